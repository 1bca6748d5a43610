"""JSON values as Server-Sent Events on the wire: each written the moment it exists, back-to-back ones together.

Each value becomes one event whose ``data:`` line is the value as JSON (UTF-8, not ASCII-escaped), the shape the
AgentCore SDK gives a yielded value, so that a client reads the agent's stream as any AgentCore stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from contract.stream import error_event

logger = logging.getLogger(__name__)

HOLD_LIMIT_SECONDS = 0.001
"""Longest an event may wait for the events produced right behind it to share its write."""
STOP_GRACE_SECONDS = 0.05
"""How long a source whose reader has gone may run on to end by itself before it is cancelled."""
_QUEUE_LIMIT = 1024
"""Events buffered for a slow reader before the agent itself is made to wait."""


_to_json = json.JSONEncoder(ensure_ascii=False).encode
"""One encoder for every event: ``json.dumps`` with options builds a new encoder on each call."""


def encode_sse(value: Any) -> bytes:
    """One SSE event whose ``data:`` line is ``value`` as JSON (UTF-8, not ASCII-escaped)."""
    return b"data: " + _to_json(value).encode() + b"\n\n"


async def sse_body(
    values: AsyncIterable[Any], hold_limit: float = HOLD_LIMIT_SECONDS, stop_grace: float = STOP_GRACE_SECONDS
) -> AsyncIterator[bytes]:
    """Encode values as SSE events, writing every event that is already waiting in one socket write.

    The agent runs in its own task and hands encoded events over a queue. While the model is thinking the task
    is suspended, so each event is written the moment it exists; only events produced back to back, with no
    pause between them, share a write, and the producer yields to the writer at least every ``hold_limit``
    seconds so none waits longer than that. One write per event would cost about as much as producing it.

    Closed early (the client left), the body stops taking values but lets the source run on for up to
    ``stop_grace`` seconds, so that a source asked to stop (the agent, cancelled) ends by itself, unwinding its
    own nested generators. Only a source still running after that is cancelled.
    """
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=_QUEUE_LIMIT)
    dropping = asyncio.Event()
    producer = asyncio.create_task(_produce(values, queue, hold_limit, dropping))
    try:
        while True:
            chunk = await queue.get()
            if chunk is None:
                break
            batch = [chunk]
            while not queue.empty():
                chunk = queue.get_nowait()
                if chunk is None:
                    yield b"".join(batch)
                    return
                batch.append(chunk)
            yield b"".join(batch)
    finally:
        dropping.set()
        while not queue.empty():  # a producer waiting for room must not wait for a reader that is gone
            queue.get_nowait()
        if not producer.done():
            await asyncio.wait({producer}, timeout=stop_grace)
        producer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await producer


async def _produce(
    values: AsyncIterable[Any], queue: asyncio.Queue[bytes | None], hold_limit: float, dropping: asyncio.Event
) -> None:
    flushed_at = 0.0  # the first event is flushed at once: time to first chunk matters most
    try:
        async for value in values:
            if not dropping.is_set():  # once nobody reads, the source runs to its end without being held up
                event = encode_sse(value)
                if queue.full():
                    await queue.put(event)  # a slow reader: the agent waits for it
                else:
                    queue.put_nowait(event)
            if time.perf_counter() - flushed_at >= hold_limit:
                await asyncio.sleep(0)  # let the writer take what is queued
                flushed_at = time.perf_counter()
    except Exception as error:
        logger.exception("could not encode a stream event")
        if not dropping.is_set():
            await queue.put(encode_sse(error_event(f"{type(error).__name__}: {error}")))
    finally:
        aclose = getattr(values, "aclose", None)
        if aclose is not None:
            await aclose()
    if not dropping.is_set():
        await queue.put(None)
