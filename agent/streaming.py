"""From Strands agent events to Server-Sent Events on the wire.

Two formats: ``text`` (each ``data:`` line a JSON string holding one text delta, what AWS's tutorials emit) and
``events`` (typed JSON objects: text, tool use, tool result, done). In both, a failure after the stream began
ends it with one JSON error object, so a client never mistakes a truncated answer for a complete one.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from strands import Agent

logger = logging.getLogger(__name__)

STREAM_ERROR = "stream_error"


def encode_sse(value: Any) -> bytes:
    """One SSE event whose ``data:`` line is ``value`` as JSON (UTF-8, not ASCII-escaped)."""
    return b"data: " + json.dumps(value, ensure_ascii=False).encode() + b"\n\n"


async def agent_values(agent: Agent, prompt: str, mode: str) -> AsyncIterator[Any]:
    """Yield the JSON values of one invocation as the agent produces them; text deltas are never held back."""
    started = time.perf_counter()
    events_mode = mode == "events"
    try:
        async for event in agent.stream_async(prompt):
            text = event.get("data")
            if text:
                yield {"type": "text", "text": text} if events_mode else text
            elif events_mode:
                if "message" in event:
                    for value in _message_events(event["message"]):
                        yield value
                elif "result" in event:
                    yield _done_event(event["result"], started)
    except Exception as error:
        logger.exception("stream failed after it began")
        yield {"error": f"{type(error).__name__}: {error}", "type": STREAM_ERROR}


async def sse_body(values: AsyncIterable[Any]) -> AsyncIterator[bytes]:
    """Encode each value as one SSE event."""
    async for value in values:
        yield encode_sse(value)


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
