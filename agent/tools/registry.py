"""The tools the agent offers the model: one list, and the one place a tool is registered.

A tool is a module of this package (a Strands ``@tool`` function, or an ``AgentTool``); ``build_tools`` lists each,
in the order the model sees them. A test holds every tool listed here to being offered to the model and named in the
docs' tools list.

The calculator computes in a worker process that imports sympy (``agent.tools.calculator``). ``python -m agent``
starts that worker before the server imports its frameworks, so both imports run side by side; an app served another
way (``make dev``'s reloader, the tests) starts it once the first ping has been answered (``start_warm_up``). Either
way ``/ping`` never waits for it, and a calculator call that arrives sooner waits only for what is left of its start.
"""

from __future__ import annotations

from strands.types.tools import AgentTool

from agent.settings import AgentSettings
from agent.tools.calculator.pool import POOL
from agent.tools.calculator.tool import Calculator
from agent.tools.get_time import get_time
from agent.tools.get_weather import make_get_weather


def build_tools(settings: AgentSettings) -> list[AgentTool]:
    """Every tool the agent may call, in the order the model sees them: a new tool is one more entry here."""
    return [make_get_weather(settings), get_time, Calculator(settings)]


def start_warm_up() -> None:
    """Have a calculator worker ready (started if none is); returns at once."""
    POOL.warm_up()
