"""The agent's tools, with the expensive one loaded off the path to a healthy ``/ping`` and to the first answer.

``strands_tools.calculator`` imports sympy, the slowest import of the agent (``python -m bench`` measures it).
The model needs only the calculator's tool spec to answer, so the agent offers a stand-in carrying the real spec,
recorded from the real module in ``calculator_spec.json``, and imports the real tool when the model first calls it.
AgentCore waits for ``/ping`` before it routes traffic, so that import also runs in a background thread once the
first ping has been answered; a calculator call that arrives earlier simply waits for it to finish.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from pathlib import Path
from typing import Any

from strands.types.tools import AgentTool, ToolGenerator, ToolSpec, ToolUse

from agent.config import Settings
from agent.time_tool import get_time
from agent.weather_tool import make_get_weather

logger = logging.getLogger(__name__)

CALCULATOR_SPEC = Path(__file__).with_name("calculator_spec.json")
"""``strands_tools.calculator``'s tool spec as recorded by ``scripts/record_calculator_spec.py``."""

_warm_up_started = threading.Event()


def calculator_tool() -> AgentTool:
    """Import and return ``strands_tools.calculator`` (deprecated upstream in 0.8.x, pinned and still working)."""
    from strands_tools.calculator import calculator  # deferred: sympy is slow to import

    return calculator


class Calculator(AgentTool):
    """``strands_tools.calculator`` as the model sees it, without importing it until the model calls it.

    Every call runs the real tool's own ``stream``: same validation, same result, same errors.
    """

    def __init__(self) -> None:
        super().__init__()
        self._spec: ToolSpec = json.loads(CALCULATOR_SPEC.read_text(encoding="utf-8"))

    @property
    def tool_name(self) -> str:
        """``calculator``, from the recorded spec."""
        return self._spec["name"]

    @property
    def tool_spec(self) -> ToolSpec:
        """The real tool's spec, recorded: what the model is offered before sympy is imported."""
        return self._spec

    @property
    def tool_type(self) -> str:
        """What the real tool, a ``@tool`` function, says it is."""
        return "function"

    @property
    def supports_hot_reload(self) -> bool:
        """As the real tool: an agent's registry accepts it again under the same name."""
        return True

    def get_display_properties(self) -> dict[str, str]:
        """The real tool's: name, type and function."""
        return {**super().get_display_properties(), "Function": "calculator"}

    async def stream(self, tool_use: ToolUse, invocation_state: dict[str, Any], **kwargs: Any) -> ToolGenerator:
        """Import the real tool (or wait for the warm-up's import) off the event loop, then run it."""
        real = await asyncio.to_thread(calculator_tool)  # the import must not stall other streams on the loop
        async for event in real.stream(tool_use, invocation_state, **kwargs):
            yield event


def start_warm_up() -> None:
    """Import the calculator in a daemon thread, once per process; later calls return at once."""
    if _warm_up_started.is_set():
        return
    _warm_up_started.set()
    threading.Thread(target=_warm_up, name="calculator-warm-up", daemon=True).start()


def _warm_up() -> None:
    calculator_tool()
    logger.info("calculator tool loaded")


def build_tools(settings: Settings) -> list[AgentTool]:
    """All tools the agent may call, in the order the model sees them."""
    return [make_get_weather(settings), get_time, Calculator()]
