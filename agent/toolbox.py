"""The agent's tools, with the expensive one loaded off the path to a healthy ``/ping``.

``strands_tools.calculator`` imports sympy, the slowest import of the agent (``python -m bench`` measures it).
AgentCore waits for ``/ping`` before it routes traffic, so the import runs in a background thread once the first
ping has been answered; an invocation that arrives earlier simply waits for the import to finish.
"""

from __future__ import annotations

import logging
import threading

from strands.types.tools import AgentTool

from agent.config import Settings
from agent.time_tool import get_time
from agent.weather_tool import make_get_weather

logger = logging.getLogger(__name__)

_warm_up_started = threading.Event()


def calculator_tool() -> AgentTool:
    """Import and return ``strands_tools.calculator`` (deprecated upstream in 0.8.x, pinned and still working)."""
    from strands_tools.calculator import calculator  # deferred: sympy is slow to import

    return calculator


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
    return [make_get_weather(settings), get_time, calculator_tool()]
