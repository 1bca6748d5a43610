"""The ``calculator`` tool as the agent offers it: the real tool's spec, its calculations in a worker process.

``strands_tools.calculator`` imports sympy, the slowest import of the agent (``python -m bench`` measures it), and
evaluates whatever expression the model sends. The model needs only the tool's spec to answer, so the agent offers a
stand-in carrying the real spec, recorded from the real module in ``spec.json``; every call runs the real tool's
own ``stream`` (same validation, same result, same errors) in a worker process of ``agent.tools.calculator.pool``,
under a wall-clock, CPU and memory limit and a maximum result size. Parameters whose size alone can make a calculation
huge are refused above a maximum before anything runs.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from strands.types.events import ToolResultEvent
from strands.types.tools import AgentTool, ToolGenerator, ToolSpec, ToolUse

from agent.settings import AgentSettings
from agent.tools.calculator.pool import POOL, Limit, Limits, Reply

logger = logging.getLogger(__name__)

CALCULATOR_SPEC = Path(__file__).with_name("spec.json")
"""``strands_tools.calculator``'s tool spec as recorded by ``scripts/record_calculator_spec.py``."""

MAX_RESULT_CHARS = 10_000
"""Longest result text returned to the model (about 2,500 tokens); a longer one is refused, not cut."""
MAXIMA = {"precision": 1000, "order": 100}
"""Largest value of each numeric parameter of the spec: decimal places, and the order of a derivative or series."""


def calculator_tool() -> AgentTool:
    """Import and return ``strands_tools.calculator`` in this process (to check the recorded spec against it)."""
    from strands_tools.calculator import calculator  # deferred: sympy is slow to import

    return calculator


class Calculator(AgentTool):
    """``strands_tools.calculator`` as the model sees it, run in a worker process under limits."""

    def __init__(self, settings: AgentSettings) -> None:
        super().__init__()
        self._spec: ToolSpec = json.loads(CALCULATOR_SPEC.read_text(encoding="utf-8"))
        self._limits = Limits(
            seconds=settings.calculator_timeout_seconds,
            memory_bytes=settings.calculator_memory_mb * 1024 * 1024,
            max_result_chars=MAX_RESULT_CHARS,
        )

    @property
    def tool_name(self) -> str:
        """``calculator``, from the recorded spec."""
        return self._spec["name"]

    @property
    def tool_spec(self) -> ToolSpec:
        """The real tool's spec, recorded: what the model is offered without importing sympy."""
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
        """Refuse parameters above their maximum, else calculate in a worker; a limit hit is a tool error."""
        problem = _too_large(tool_use.get("input"))
        if problem is not None:
            yield _result(tool_use, "error", [{"text": f"Error: {problem}"}])
            return
        reply = await POOL.calculate(dict(tool_use), self._limits)
        if reply.limit is not None:
            yield _result(tool_use, "error", [{"text": f"Error: {_limit_message(reply, self._limits)}"}])
            return
        yield _result(tool_use, reply.status, list(reply.content))


def _too_large(tool_input: Any) -> str | None:
    if not isinstance(tool_input, dict):
        return None  # the real tool's validation says what is wrong
    for name, maximum in MAXIMA.items():
        value = _number(tool_input.get(name))
        if value is not None and value > maximum:
            return f"{name} {tool_input[name]} is above the calculator's maximum of {maximum}; use {maximum} or less"
    return None


def _number(value: Any) -> float | None:
    """The value as the tool's validation would take it (pydantic accepts "12" and 12.0 for an integer)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _limit_message(reply: Reply, limits: Limits) -> str:
    if reply.limit in (Limit.TIME, Limit.CPU):
        return (
            f"the expression is too large to compute: it did not finish within the calculator's {limits.seconds:g} s. "
            "Ask for a smaller calculation, or an estimate."
        )
    if reply.limit is Limit.MEMORY:
        return (
            f"the expression is too large to compute: it needs more than the calculator's "
            f"{limits.memory_bytes // (1024 * 1024)} MiB of memory. Ask for a smaller calculation, or an estimate."
        )
    if reply.limit is Limit.RESULT:
        return (
            f"the result is too long to return: {reply.detail} characters, and the calculator returns at most "
            f"{limits.max_result_chars}. Ask for fewer digits or a shorter form."
        )
    return "the calculator stopped unexpectedly and was restarted; try again."


def _result(tool_use: ToolUse, status: str, content: list[dict[str, Any]]) -> ToolResultEvent:
    return ToolResultEvent({"toolUseId": tool_use["toolUseId"], "status": status, "content": content})
