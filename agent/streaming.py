"""From Strands agent events to Server-Sent Events on the wire.

Two formats: ``text`` (each ``data:`` line a JSON string holding one text delta, what AWS's tutorials emit) and
``events`` (typed JSON objects: text, tool use, tool result, done). In both, a failure after the stream began
ends it with one JSON error object, so a client never mistakes a truncated answer for a complete one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from strands import Agent

from agent.invocation_log import RECORDER_KEY, InvocationRecorder

logger = logging.getLogger(__name__)

STREAM_ERROR = "stream_error"
HOLD_LIMIT_SECONDS = 0.001
"""Longest an event may wait for the events produced right behind it to share its write."""
_QUEUE_LIMIT = 1024
"""Events buffered for a slow reader before the agent itself is made to wait."""


_to_json = json.JSONEncoder(ensure_ascii=False).encode
"""One encoder for every event: ``json.dumps`` with options builds a new encoder on each call."""


def encode_sse(value: Any) -> bytes:
    """One SSE event whose ``data:`` line is ``value`` as JSON (UTF-8, not ASCII-escaped)."""
    return b"data: " + _to_json(value).encode() + b"\n\n"


async def agent_values(
    agent: Agent, prompt: str, mode: str, recorder: InvocationRecorder | None = None
) -> AsyncIterator[Any]:
    """Yield the JSON values of one invocation as the agent produces them; text deltas are never held back.

    ``recorder`` hears of each text chunk, the end of the turn and a failure, for the invocation's record.
    """
    started = time.perf_counter()
    events_mode = mode == "events"
    recorder = recorder or InvocationRecorder()
    try:
        # aclosing: a client that hangs up must end the agent's turn now, not when the generator is collected,
        # or the session's next request would find the agent still busy.
        turn = agent.stream_async(prompt, invocation_state={RECORDER_KEY: recorder})
        async with contextlib.aclosing(turn) as events:
            async for event in events:
                text = event.get("data")
                if text:
                    recorder.chunk()
                    yield {"type": "text", "text": text} if events_mode else text
                elif "result" in event:
                    done = _done_event(event["result"], started)
                    recorder.finished(done["stop_reason"], done["usage"])
                    if events_mode:
                        yield done
                elif events_mode and "message" in event:
                    for value in _message_events(event["message"]):
                        yield value
    except Exception as error:
        logger.exception("stream failed after it began")
        recorder.failed(error)
        yield {"error": f"{type(error).__name__}: {error}", "type": STREAM_ERROR}


async def sse_body(values: AsyncIterable[Any], hold_limit: float = HOLD_LIMIT_SECONDS) -> AsyncIterator[bytes]:
    """Encode values as SSE events, writing every event that is already waiting in one socket write.

    The agent runs in its own task and hands encoded events over a queue. While the model is thinking the task
    is suspended, so each event is written the moment it exists; only events produced back to back, with no
    pause between them, share a write, and the producer yields to the writer at least every ``hold_limit``
    seconds so none waits longer than that. One write per event would cost about as much as producing it.
    """
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=_QUEUE_LIMIT)
    producer = asyncio.create_task(_produce(values, queue, hold_limit))
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
        producer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await producer


async def _produce(values: AsyncIterable[Any], queue: asyncio.Queue[bytes | None], hold_limit: float) -> None:
    flushed_at = 0.0  # the first event is flushed at once: time to first chunk matters most
    try:
        async for value in values:
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
        await queue.put(encode_sse({"error": f"{type(error).__name__}: {error}", "type": STREAM_ERROR}))
    finally:
        aclose = getattr(values, "aclose", None)
        if aclose is not None:
            await aclose()
    await queue.put(None)


def _message_events(message: dict[str, Any]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for block in message.get("content", []):
        if "toolUse" in block:
            use = block["toolUse"]
            events.append({"type": "tool_use", "id": use["toolUseId"], "name": use["name"], "input": use["input"]})
        elif "toolResult" in block:
            result = block["toolResult"]
            events.append(
                {
                    "type": "tool_result",
                    "id": result["toolUseId"],
                    "status": result.get("status", "success"),
                    "content": [_jsonable_block(part) for part in result.get("content", [])],
                }
            )
    return events


def _jsonable_block(part: dict[str, Any]) -> dict[str, Any]:
    if "text" in part or "json" in part:
        return part
    return {"text": f"<{', '.join(part)} content omitted>"}


def _done_event(result: Any, started: float) -> dict[str, Any]:
    invocation = result.metrics.latest_agent_invocation
    usage = dict(invocation.usage) if invocation is not None else dict(result.metrics.accumulated_usage)
    return {
        "type": "done",
        "stop_reason": result.stop_reason,
        "usage": usage,
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
    }
