"""Memory: resident set growth of a server answering many invocations across a fixed set of sessions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import psutil

from bench.probe import invoke
from bench.processes import server


async def _round(port: int, sessions: list[str]) -> None:
    for session in sessions:
        exchange = await invoke(port, {"prompt": "remember this turn"}, session)
        if exchange.status != 200:
            raise RuntimeError(f"invocation failed with HTTP {exchange.status}")


def _settled(rss: Callable[[], int], step: float = 0.2, tolerance: int = 512 * 1024, limit: float = 10.0) -> int:
    """RSS once it stops moving: work the server finishes after its first answers is start-up work, not growth per
    invocation."""
    deadline = time.monotonic() + limit
    previous = rss()
    while time.monotonic() < deadline:
        time.sleep(step)
        current = rss()
        if abs(current - previous) < tolerance:
            return current
        previous = current
    raise RuntimeError(f"server RSS still moving after {limit} s of idle")


def rss_growth(sessions: int = 50, invocations: int = 500, chunks: int = 20) -> dict[str, Any]:
    """RSS after ``invocations`` spread over ``sessions`` minus RSS after the first ``sessions`` invocations, the
    latter taken once the server's start-up work has settled."""
    ids = [f"bench-memory-session-{index:04d}-{'x' * 20}" for index in range(sessions)]
    with server("agent", "--chunks", str(chunks)) as (port, process):
        process_info = psutil.Process(process.pid)

        def rss() -> int:
            return process_info.memory_info().rss

        asyncio.run(_round(port, ids))
        after_first = _settled(rss)
        for _ in range(invocations // sessions - 1):
            asyncio.run(_round(port, ids))
        after_all = rss()
    mib = 1024 * 1024
    return {
        "sessions": sessions,
        "invocations": invocations,
        "rss_after_first_mb": after_first / mib,
        "rss_after_all_mb": after_all / mib,
        "growth_mb": (after_all - after_first) / mib,
    }
