"""The agent's tools, with the calculator's worker process kept off the path to a healthy ``/ping``.

The calculator computes in a worker process that imports sympy (``agent.calculator``). ``python -m agent`` starts that
worker before the server imports its frameworks, so both imports run side by side; an app served another way
(``make dev``'s reloader, the tests) starts it once the first ping has been answered. Either way ``/ping`` never waits
for it, and a calculator call that arrives sooner waits only for what is left of its start.
"""

from __future__ import annotations

from strands.types.tools import AgentTool

from agent.calculator import Calculator
from agent.calculator_pool import POOL
from agent.config import Settings
from agent.time_tool import get_time
from agent.weather_tool import make_get_weather


def start_warm_up() -> None:
    """Have a calculator worker ready (started if none is); returns at once."""
    POOL.warm_up()


def build_tools(settings: Settings) -> list[AgentTool]:
    """All tools the agent may call, in the order the model sees them."""
    return [make_get_weather(settings), get_time, Calculator(settings)]
