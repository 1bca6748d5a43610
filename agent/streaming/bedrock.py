"""The production model: Amazon Bedrock through Strands' ``BedrockModel``, whose stream ends when the turn does.

Strands reads ``ConverseStream``'s HTTP response in a worker thread, and closes it at the next event once the cancel
signal it was handed is set. That signal is the agent's own, which Strands clears as soon as the invocation is over.
A turn ended by a hang-up is torn down at once (``agent.streaming.turn``): when Bedrock's next event arrives, the
worker finds the signal cleared and reads the rest of the answer, while Bedrock goes on generating it, and billing its
tokens, for no one. So each model call here hands Strands a signal of its own instead, which mirrors the agent's and
is set for good when the agent stops reading the stream, however it stops: the worker closes the HTTP response to
Bedrock at the next event it receives, which ends the generation there.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator
from typing import Any

from strands.models.bedrock import BedrockModel
from strands.types.content import Messages
from strands.types.streaming import StreamEvent

MIRROR_SECONDS = 0.05
"""How often the agent's own signal is looked at while a call streams: Strands' own polling interval."""


class ClosingBedrockModel(BedrockModel):
    """``BedrockModel`` whose every call closes its response to Bedrock as soon as nobody reads it any more."""

    async def stream(
        self,
        messages: Messages,
        tool_specs: Any = None,
        system_prompt: str | None = None,
        *,
        cancel_signal: threading.Event | None = None,
        **kwargs: Any,
    ) -> AsyncGenerator[StreamEvent, None]:
        """Stream the model's answer; once the caller stops reading, Bedrock's response is closed at its next event.

        Args:
            messages: The conversation so far.
            tool_specs: The tools the model may call.
            system_prompt: The system prompt.
            cancel_signal: The agent's cancellation signal; it stops the call too, as it does Strands' own.
            **kwargs: Whatever else Strands passes its model.

        Yields:
            The model's events, as ``BedrockModel`` yields them.
        """
        stop = threading.Event()  # this call's alone: nothing clears it
        mirror = asyncio.ensure_future(_mirror(cancel_signal, stop)) if cancel_signal is not None else None
        try:
            async for event in super().stream(messages, tool_specs, system_prompt, cancel_signal=stop, **kwargs):
                yield event
        finally:
            stop.set()  # the answer ended, or the reader left: either way no event of this call is read any more
            if mirror is not None:
                mirror.cancel()


async def _mirror(source: threading.Event, target: threading.Event) -> None:
    """Set ``target`` once ``source`` is set."""
    while not source.is_set():
        await asyncio.sleep(MIRROR_SECONDS)
    target.set()
