"""From Strands agent events to Server-Sent Events on the wire.

Two formats: ``text`` (each ``data:`` line a JSON string holding one text delta, what AWS's tutorials emit) and
``events`` (typed JSON objects: text, tool use, tool result, done). In both, a failure after the stream began
ends it with one JSON error object, so a client never mistakes a truncated answer for a complete one; when the
model could not be called at all (no AWS credentials or Region here), that object names the fix and its ``code`` is
``AWS_SETUP_ERROR``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Any

from strands import Agent

from agent.aws_setup import setup_problem
from agent.invocation_log import RECORDER_KEY, InvocationRecorder
from contract.stream import AWS_SETUP_ERROR

logger = logging.getLogger(__name__)

STREAM_ERROR = "stream_error"
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


@dataclass
class AgentProgress:
    """How far the agent got with a turn, filled in as its events stream and read once the stream has ended."""

    finished: bool = False
    """The agent completed its turn: the conversation now ends with its whole answer."""
    error: str | None = None
    """Why the agent stopped early, when it failed (the text of the stream's error event)."""


async def agent_values(
    agent: Agent,
    prompt: str,
    mode: str,
    progress: AgentProgress | None = None,
    recorder: InvocationRecorder | None = None,
) -> AsyncIterator[Any]:
    """Yield the JSON values of one invocation as the agent produces them; text deltas are never held back.

    ``progress`` tells the turn how far the agent got; ``recorder`` hears of each text chunk, the end of the turn
    and a failure, for the invocation's record.
    """
    progress = progress or AgentProgress()
    started = time.perf_counter()
    events_mode = mode == "events"
    recorder = recorder or InvocationRecorder()
    answered = False  # whether any value has gone out: a setup failure before that has answered nothing
    try:
        # aclosing: closing this generator closes the agent's now, in the task that iterated it, so the turn ends
        # at once and OpenTelemetry contexts attached inside it are detached in the context they were attached in.
        turn = agent.stream_async(prompt, invocation_state={RECORDER_KEY: recorder})
        async with contextlib.aclosing(turn) as events:
            async for event in events:
                text = event.get("data")
                if text:
                    recorder.chunk()
                    answered = True
                    yield {"type": "text", "text": text} if events_mode else text
                elif "result" in event:
                    result = event["result"]
                    progress.finished = result.stop_reason != "cancelled"
                    done = _done_event(result, started)
                    if progress.finished:  # a cancelled turn reports no usage: the model never sent its metadata
                        recorder.finished(done["stop_reason"], done["usage"])
                    if events_mode:
                        yield done
                elif events_mode and "message" in event:
                    for value in _message_events(event["message"]):
                        answered = True
                        yield value
    except Exception as error:
        recorder.failed(error)
        problem = None if answered else setup_problem(error)
        if problem is None:
            logger.exception("stream failed after it began")
            progress.error = f"{type(error).__name__}: {error}"
            yield {"error": progress.error, "type": STREAM_ERROR}
        else:
            # The same for every prompt until the agent is restarted with credentials: one line, not a traceback.
            logger.error("model not called, nothing answered error=<%s> | %s", type(error).__name__, problem)
            progress.error = problem
            yield {"error": problem, "type": STREAM_ERROR, "code": AWS_SETUP_ERROR}


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
            await queue.put(encode_sse({"error": f"{type(error).__name__}: {error}", "type": STREAM_ERROR}))
    finally:
        aclose = getattr(values, "aclose", None)
        if aclose is not None:
            await aclose()
    if not dropping.is_set():
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
