"""AgentCore Memory behind the session store: what it adds to the first chunk, with memory calls of 30-80 ms.

Two agents in their own processes, the same scripted model: one keeps conversations in process only, the other in
a local stand-in of the AgentCore Memory data plane (its own process too) whose every call takes 30 to 80 ms.
Each conversation is ``turns`` turns sent back to back, each the moment the previous answer ended, so every warm
turn starts while the previous turn's write is still on its way. The first turn of a conversation in a process
restores it from memory first (one ``ListEvents``): that is reported on its own, as what a new microVM pays once.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import boto3

from bench.probe import Exchange, invoke
from bench.processes import server
from bench.serve import MEMORY_LATENCY
from bench.streaming import new_session
from fakes.memory_plane import MEMORY_ID

PROMPT = {"prompt": "stream"}
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}


async def _conversation(port: int, turns: int, chunks: int) -> tuple[str, list[Exchange]]:
    session = new_session()
    exchanges = []
    for _ in range(turns):
        exchange = await invoke(port, PROMPT, session)
        if exchange.status != 200 or len(exchange.values) != chunks:
            raise RuntimeError(
                f"expected {chunks} events with HTTP 200, got {len(exchange.values)} ({exchange.status})"
            )
        exchanges.append(exchange)
    return session, exchanges


def ttfc_with_memory(conversations: int, turns: int = 5, chunks: int = 20) -> dict[str, Any]:
    """Median time to first chunk of first and warm turns, with and without memory, and proof the turns were saved."""
    with server("memoryplane", **CREDENTIALS) as (plane, _):
        endpoint = f"http://127.0.0.1:{plane}"
        env = {**CREDENTIALS, "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE": endpoint}
        with (
            server("agent", "--chunks", str(chunks), **env) as (plain, _),
            server("memory-agent", "--chunks", str(chunks), **env) as (kept, _),
        ):
            asyncio.run(_conversation(plain, 2, chunks))  # warm-up: tools loaded, caches hot
            asyncio.run(_conversation(kept, 2, chunks))
            runs: dict[str, list[list[Exchange]]] = {"plain": [], "kept": []}
            sessions = []
            for _ in range(conversations):  # alternate, so drift on the machine hits both alike
                runs["plain"].append(asyncio.run(_conversation(plain, turns, chunks))[1])
                session, exchanges = asyncio.run(_conversation(kept, turns, chunks))
                runs["kept"].append(exchanges)
                sessions.append(session)
            saved = _saved_turns(endpoint, sessions, expected=conversations * turns)
    first = {name: statistics.median(c[0].ttfc for c in convs) * 1000 for name, convs in runs.items()}
    warm = {name: statistics.median(e.ttfc for c in convs for e in c[1:]) * 1000 for name, convs in runs.items()}
    pairs = list(zip(runs["plain"], runs["kept"], strict=True))
    return {
        "conversations": conversations,
        "turns": turns,
        "chunks": chunks,
        "memory_call_min_ms": MEMORY_LATENCY[0] * 1000,
        "memory_call_max_ms": MEMORY_LATENCY[1] * 1000,
        "warm_plain_ms": warm["plain"],
        "warm_memory_ms": warm["kept"],
        "added_ms": warm["kept"] - warm["plain"],
        "added_ms_runs": [_warm_median_ms(kept) - _warm_median_ms(plain) for plain, kept in pairs],
        "first_plain_ms": first["plain"],
        "first_memory_ms": first["kept"],
        "restore_ms": first["kept"] - first["plain"],
        "restore_ms_runs": [(kept[0].ttfc - plain[0].ttfc) * 1000 for plain, kept in pairs],
        "saved_turns": saved,
        "expected_turns": conversations * turns,
    }


def _warm_median_ms(conversation: list[Exchange]) -> float:
    """Median time to first chunk of a conversation's turns after its first, in milliseconds."""
    return statistics.median(exchange.ttfc for exchange in conversation[1:]) * 1000


def _saved_turns(endpoint: str, sessions: list[str], expected: int, wait: float = 5.0) -> int:
    """Turns the memory holds for the measured conversations, read back with boto3 (the last write may still be on
    its way when the last answer has arrived: wait up to ``wait`` seconds for ``expected``)."""
    client = boto3.client(
        "bedrock-agentcore",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )
    deadline = time.monotonic() + wait
    while True:
        saved = sum(
            len(client.list_events(memoryId=MEMORY_ID, actorId="default", sessionId=session, maxResults=100)["events"])
            for session in sessions
        )
        if saved >= expected or time.monotonic() > deadline:
            return saved
        time.sleep(0.1)
