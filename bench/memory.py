"""Memory: resident set growth of a server answering many invocations across a fixed set of sessions."""

from __future__ import annotations

import asyncio
from typing import Any

import psutil

from bench.probe import invoke
from bench.processes import server


async def _round(port: int, sessions: list[str]) -> None:
    for session in sessions:
        exchange = await invoke(port, {"prompt": "remember this turn"}, session)
        if exchange.status != 200:
            raise RuntimeError(f"invocation failed with HTTP {exchange.status}")


def rss_growth(sessions: int = 50, invocations: int = 500, chunks: int = 20) -> dict[str, Any]:
    """RSS after ``invocations`` spread over ``sessions`` minus RSS after the first ``sessions`` invocations."""
    ids = [f"bench-memory-session-{index:04d}-{'x' * 20}" for index in range(sessions)]
    with server("agent", "--chunks", str(chunks)) as (port, process):
        rss = psutil.Process(process.pid).memory_info
        asyncio.run(_round(port, ids))
        after_first = rss().rss
        for _ in range(invocations // sessions - 1):
            asyncio.run(_round(port, ids))
        after_all = rss().rss
    mib = 1024 * 1024
    return {
        "sessions": sessions,
        "invocations": invocations,
        "rss_after_first_mb": after_first / mib,
        "rss_after_all_mb": after_all / mib,
        "growth_mb": (after_all - after_first) / mib,
    }
