"""The first calculator call: what starting the calculator's worker after the first ``/ping`` adds to it.

Each run starts ``python -m agent.server``'s app with a model that calls the calculator at once (``bench/serve.py``,
``calculator``), sends the first request the moment ``/ping`` first answers (when the worker has only just begun to
import sympy), then a second one, which finds the worker warm. The tool's time is read by the client: from the
``tool_use`` event to the ``tool_result`` event of the events stream.
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
        with server("calculator") as (port, _process):
            first.append(_tool_seconds(asyncio.run(invoke(port, PROMPT))))
            warm.append(_tool_seconds(asyncio.run(invoke(port, PROMPT))))
    first_ms, warm_ms = statistics.median(first) * 1000, statistics.median(warm) * 1000
    return {"first_ms": first_ms, "warm_ms": warm_ms, "added_ms": first_ms - warm_ms}
