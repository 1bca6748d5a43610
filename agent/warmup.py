"""The warm-up hook AgentCore calls on platform V2 before it takes the snapshot every session starts from.

On V2 each session of a version is restored from one snapshot of the started container: what the snapshot holds, no
session pays for again; what it lacks, each session's first turn does. ``POST /warmup`` (``contract.deployment``;
the stack configures the hook) readies what a turn still needs once the server is up: a calculator worker that has
imported sympy and the tool, the modules Strands imports only when an agent first runs (a turn without the network,
on a model that answers at once), and the Bedrock client's ``ConverseStream`` description, which botocore reads on
the first call. It calls no model and fetches no credential (credentials expire, and every restored session must
fetch its own), and asked again it finds everything done. AgentCore gives the hook 120 seconds and takes any 2xx as
success; nothing else reaches it: ``InvokeAgentRuntime`` reaches ``/invocations`` and ``/ping`` only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncGenerator
from typing import Any

from strands import Agent
from strands.models import Model
from strands.types.streaming import StreamEvent

from agent.tools.calculator.pool import POOL

logger = logging.getLogger(__name__)

CALCULATOR_SECONDS = 60.0
"""How long the hook waits for the calculator's worker: half of what AgentCore gives the hook."""


async def warm_up(model: Model) -> dict[str, Any]:
    """Ready what a turn needs, and say what was done (the hook's answer)."""
    started = time.perf_counter()
    calculator = await POOL.until_warm(CALCULATOR_SECONDS)
    await _dry_turn()
    described = _describe_stream(model)
    seconds = time.perf_counter() - started
    logger.info("calculator=<%s>, bedrock_client=<%s>, seconds=<%.3f> | warmed up", calculator, described, seconds)
    if not calculator:
        logger.warning("calculator=<not ready> | the calculator's worker did not start in time")
    return {"calculator": "ready" if calculator else "not ready", "bedrock_client": described, "seconds": seconds}


async def _dry_turn() -> None:
    """One turn of a throwaway agent on a model that answers at once: Strands imports what its turns need."""
    agent = Agent(model=_AnswersAtOnce(), callback_handler=None)
    async for _ in agent.stream_async("warm up"):
        pass


def _describe_stream(model: Model) -> bool:
    """Have botocore read ``ConverseStream``'s description now; False for a model without a Bedrock client."""
    client = getattr(model, "client", None)
    if client is None:
        return False
    operation = client.meta.service_model.operation_model("ConverseStream")
    operation.get_event_stream_output()
    return True


class _AnswersAtOnce(Model):
    """A model that answers ``ok`` without a network: what the dry turn runs on."""

    def update_config(self, **model_config: Any) -> None:
        """Nothing to configure."""

    def get_config(self) -> dict[str, Any]:
        """An id that says what it is."""
        return {"model_id": "warm-up"}

    async def stream(self, *args: Any, **kwargs: Any) -> AsyncGenerator[StreamEvent, None]:
        """The answer ``ok``, as a model streams it."""
        yield {"messageStart": {"role": "assistant"}}
        yield {"contentBlockDelta": {"delta": {"text": "ok"}}}
        yield {"contentBlockStop": {}}
        yield {"messageStop": {"stopReason": "end_turn"}}

    def structured_output(self, *args: Any, **kwargs: Any) -> Any:
        """Never asked for: the dry turn wants text."""
        raise NotImplementedError("the warm-up turn asks for no structured output")
