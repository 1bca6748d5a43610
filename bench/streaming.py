"""Streaming figures: overhead against the bare SSE floor, time to first chunk, chunk delay, concurrency."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from typing import Any

from strands import Agent

from bench.probe import Exchange, invoke
from bench.processes import server
from bench.serve import tokens
from fakes.scripted_model import ScriptedModel

PROMPT = {"prompt": "stream"}


def new_session() -> str:
    """A fresh, valid AgentCore session id: every request starts its own conversation, as a first turn does."""
    return f"bench-{uuid.uuid4()}"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: no interpolation between samples that were never observed."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def _checked(exchange: Exchange, expected: int) -> Exchange:
    if exchange.status != 200 or len(exchange.values) != expected:
        raise RuntimeError(
            f"expected {expected} events with HTTP 200, got {len(exchange.values)} (HTTP {exchange.status})"
        )
    return exchange


def _alternate(ports: dict[str, int], runs: int, expected: int, warm_up: int = 3) -> dict[str, list[Exchange]]:
    """Run the same request against each server in turn, so drift on the machine hits both alike."""
    results: dict[str, list[Exchange]] = {name: [] for name in ports}
    for index in range(warm_up + runs):
        for name, port in ports.items():
            exchange = _checked(asyncio.run(invoke(port, PROMPT, new_session())), expected)
            if index >= warm_up:
                results[name].append(exchange)
    return results


def sse_overhead(runs: int, chunks: int = 2000) -> dict[str, Any]:
    """Time to stream ``chunks`` instant deltas through the agent ÷ through the bare floor.

    Also measures, in this process, how long Strands' own event loop takes to produce the same deltas with no
    server at all: the share of the agent's time that belongs to the dependency, not to the serving path.
    """
    with server("floor", "--chunks", str(chunks)) as (floor, _), server("agent", "--chunks", str(chunks)) as (agent, _):
        results = _alternate({"floor": floor, "agent": agent}, runs, chunks)
    floor_s = statistics.median(e.total for e in results["floor"])
    agent_s = statistics.median(e.total for e in results["agent"])
    strands_ms = [asyncio.run(_strands_loop(chunks)) * 1000 for _ in range(runs)]
    return {
        "runs": runs,
        "chunks": chunks,
        "floor_ms": floor_s * 1000,
        "agent_ms": agent_s * 1000,
        "strands_loop_ms": statistics.median(strands_ms),
        "strands_loop_ms_runs": strands_ms,
        "ratio": agent_s / floor_s,
        "ratio_runs": [a.total / f.total for f, a in zip(results["floor"], results["agent"], strict=True)],
    }


async def _strands_loop(chunks: int) -> float:
    agent = Agent(model=ScriptedModel([tokens(chunks)]), callback_handler=None)
    started = time.perf_counter()
    async for _ in agent.stream_async("stream"):
        pass
    return time.perf_counter() - started


def ttfc_overhead(runs: int) -> dict[str, Any]:
    """Median time to first chunk through the agent minus the floor's, for a one-delta answer, and the same two
    medians as a ratio: an absolute overhead holds on one machine only, a ratio to the floor travels better."""
    with server("floor", "--chunks", "1") as (floor, _), server("agent", "--chunks", "1") as (agent, _):
        results = _alternate({"floor": floor, "agent": agent}, runs, 1)
    floor_ms = statistics.median(e.ttfc for e in results["floor"]) * 1000
    agent_ms = statistics.median(e.ttfc for e in results["agent"]) * 1000
    pairs = list(zip(results["floor"], results["agent"], strict=True))
    return {
        "runs": runs,
        "floor_ms": floor_ms,
        "agent_ms": agent_ms,
        "overhead_ms": agent_ms - floor_ms,
        "overhead_ms_runs": [(a.ttfc - f.ttfc) * 1000 for f, a in pairs],
        "ratio": agent_ms / floor_ms,
        "ratio_runs": [a.ttfc / f.ttfc for f, a in pairs],
    }


def chunk_delay(requests: int, chunks: int, delay: float = 0.02) -> dict[str, Any]:
    """Delay from a paced model's emission of each delta to its arrival at the client, over every chunk of every
    request; each request's own p99 too, as the spread of the figure from one request to the next."""
    per_request: list[list[float]] = []
    with server("clock", "--chunks", str(chunks), "--delay", str(delay)) as (port, _):
        _checked(asyncio.run(invoke(port, PROMPT, new_session())), chunks)  # warm-up: tools loaded, caches hot
        for _ in range(requests):
            exchange = _checked(asyncio.run(invoke(port, PROMPT, new_session())), chunks)
            per_request.append(
                [
                    arrived - float(emitted)
                    for arrived, emitted in zip(exchange.event_times, exchange.values, strict=True)
                ]
            )
    delays = [value for request in per_request for value in request]
    return {
        "requests": requests,
        "samples": len(delays),
        "pace_ms": delay * 1000,
        "p50_ms": percentile(delays, 0.50) * 1000,
        "p99_ms": percentile(delays, 0.99) * 1000,
        "p99_ms_runs": [percentile(request, 0.99) * 1000 for request in per_request],
        "max_ms": max(delays) * 1000,
    }


async def _load(port: int, streams: int, per_stream: int, chunks: int) -> tuple[float, list[Exchange]]:
    async def one_stream() -> list[Exchange]:
        return [_checked(await invoke(port, PROMPT, new_session()), chunks) for _ in range(per_stream)]

    loop = asyncio.get_running_loop()
    started = loop.time()
    batches = await asyncio.gather(*(one_stream() for _ in range(streams)))
    return loop.time() - started, [exchange for batch in batches for exchange in batch]


def concurrency(levels: tuple[int, ...], requests_per_level: int, chunks: int = 100) -> list[dict[str, Any]]:
    """Throughput and p99 time to first chunk with ``level`` streams open at once (informational)."""
    rows = []
    with server("agent", "--chunks", str(chunks)) as (port, _):
        asyncio.run(_load(port, 2, 2, chunks))  # warm-up
        for level in levels:
            per_stream = max(1, requests_per_level // level)
            elapsed, exchanges = asyncio.run(_load(port, level, per_stream, chunks))
            rows.append(
                {
                    "streams": level,
                    "requests": len(exchanges),
                    "chunks": chunks,
                    "requests_per_s": len(exchanges) / elapsed,
                    "ttfc_p99_ms": percentile([e.ttfc for e in exchanges], 0.99) * 1000,
                }
            )
    return rows
