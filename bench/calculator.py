"""The first calculator call: what the calculator's worker, started beside the server's own start-up, still adds.

Each run starts the agent as ``python -m agent`` starts it (``bench/calculator_server.py``: the worker first, then the
server) with a model that calls the calculator at once, sends the first request the moment ``/ping`` first answers,
then a second one, which finds the worker warm. The tool's time is read by the client: from the ``tool_use`` event to
the ``tool_result`` event of the events stream.
"""

from __future__ import annotations

import asyncio
import statistics
from typing import Any

from bench.probe import Exchange, invoke
from bench.processes import server

PROMPT = {"prompt": "What is 17 * 23?", "stream": "events"}


def _tool_seconds(exchange: Exchange) -> float:
    kinds = [value.get("type") if isinstance(value, dict) else None for value in exchange.values]
    if "tool_result" not in kinds:
        raise RuntimeError(f"the calculator call got no result: {exchange.values}")
    result = exchange.values[kinds.index("tool_result")]
    if result["status"] != "success":
        raise RuntimeError(f"the calculator call failed: {result}")
    return exchange.event_times[kinds.index("tool_result")] - exchange.event_times[kinds.index("tool_use")]


def first_call(runs: int) -> dict[str, Any]:
    """Median tool time of the first calculator call after the first ``/ping``, and of a warm one, in ms."""
    first, warm = [], []
    for _ in range(runs):
        with server("calculator", module="bench.calculator_server") as (port, _process):
            first.append(_tool_seconds(asyncio.run(invoke(port, PROMPT))) * 1000)
            warm.append(_tool_seconds(asyncio.run(invoke(port, PROMPT))) * 1000)
    first_ms, warm_ms = statistics.median(first), statistics.median(warm)
    return {
        "first_ms": first_ms,
        "warm_ms": warm_ms,
        "added_ms": first_ms - warm_ms,
        "added_ms_runs": [one - other for one, other in zip(first, warm, strict=True)],
        "first_ms_runs": first,
    }
