"""From Strands agent events to the JSON values of the stream.

Two formats (``contract.stream``): ``text`` (each value a JSON string holding one text delta, what AWS's tutorials
emit) and ``events`` (typed JSON objects: text, tool use, tool result, done). In both, a failure after the stream
began ends it with one error object, so a client never mistakes a truncated answer for a complete one; when the
model could not be called at all (no AWS credentials or Region here), that object names the fix and its ``code`` is
``AWS_SETUP_ERROR``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from strands import Agent

from agent.observability.recorder import RECORDER_KEY, InvocationRecorder
from agent.streaming.aws_setup import setup_problem
from contract.stream import AWS_SETUP_ERROR, EVENTS_MODE, EventType, error_event

logger = logging.getLogger(__name__)


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

    Args:
        agent: the conversation's agent, which takes the turn.
        prompt: the user's prompt.
        mode: the stream format, ``text`` or ``events``.
        progress: told how far the agent got, for the turn to settle the conversation.
        recorder: hears of each text chunk, the end of the turn and a failure, for the invocation's record.

    Yields:
        Each value of the stream, the last one an error object when the agent failed.
    """
    progress = progress or AgentProgress()
    started = time.perf_counter()
    events_mode = mode == EVENTS_MODE
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
                    yield {"type": EventType.TEXT, "text": text} if events_mode else text
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
            yield error_event(progress.error)
        else:
            # The same for every prompt until the agent is restarted with credentials: one line, not a traceback.
            logger.error("error=<%s>, fix=<%s> | model not called, nothing answered", type(error).__name__, problem)
            progress.error = problem
            yield {**error_event(problem), "code": AWS_SETUP_ERROR}


def _message_events(message: dict[str, Any]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for block in message.get("content", []):
        if "toolUse" in block:
            use = block["toolUse"]
            events.append(
                {"type": EventType.TOOL_USE, "id": use["toolUseId"], "name": use["name"], "input": use["input"]}
            )
        elif "toolResult" in block:
            result = block["toolResult"]
            events.append(
                {
                    "type": EventType.TOOL_RESULT,
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
        "type": EventType.DONE,
        "stop_reason": result.stop_reason,
        "usage": usage,
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
    }
