"""The runtime's log events as the client reads them back, each invocation record read as the agent wrote it.

The agent prints one JSON line per invocation (``contract.record.InvocationRecord``); every other line it prints is
plain text. This module recognises the records through that one definition, says which events count as failures, and
renders a record as one line a person can scan: time, session, outcome, time to first chunk, tokens, tools, and the
memory write unless it was saved. A completed invocation whose memory write failed is a failure too: the user saw the
answer, but a new microVM would not remember it until the session's next turn writes it again.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contract.record import InvocationRecord, MemoryWrite, Outcome, ToolCall

MEMORY_WRITE_FAILED = "memory_write_failed"
"""How ``count_outcomes`` counts a completed invocation whose write to AgentCore Memory failed."""
_ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL)\b|^Traceback \(most recent call last\)")
_MAX_ERROR_CHARS = 160
_TOOL_SUCCEEDED = "success"
_WITH_STATUS = frozenset({Outcome.REFUSED, Outcome.SERVER_ERROR})
"""Outcomes whose line shows the HTTP status: which refusal or failure it was."""


@dataclass(frozen=True)
class LogEvent:
    """One CloudWatch Logs event of the runtime's log group; ``record`` is set when it is an invocation record."""

    timestamp: int
    stream: str
    message: str
    event_id: str = ""
    record: InvocationRecord | None = None

    @classmethod
    def from_cloudwatch(cls, event: dict[str, Any]) -> LogEvent:
        """Build from a ``FilterLogEvents`` event, recognising an invocation record in its message."""
        message = event.get("message", "").rstrip("\n")
        return cls(
            timestamp=int(event.get("timestamp", 0)),
            stream=event.get("logStreamName", ""),
            message=message,
            event_id=event.get("eventId", ""),
            record=InvocationRecord.from_line(message),
        )

    @property
    def is_failure(self) -> bool:
        """A record of an invocation that did not complete or whose memory write failed, or an ERROR line.

        An ERROR line: a plain line at ERROR or CRITICAL level, or a traceback.
        """
        if self.record is not None:
            return self.record.outcome != Outcome.COMPLETED or self.record.memory == MemoryWrite.FAILED
        return _ERROR_LINE.search(self.message) is not None

    def mentions_session(self, session_id: str) -> bool:
        """The record of that session, or a plain line that names it."""
        if self.record is not None:
            return self.record.session == session_id
        return session_id in self.message

    def as_json(self) -> str:
        """The event as CloudWatch returned it, one JSON object, for piping into ``jq``."""
        event = {"timestamp": self.timestamp, "logStreamName": self.stream, "message": self.message}
        return json.dumps({**event, "eventId": self.event_id}, ensure_ascii=False)

    def line(self) -> str:
        """One readable line: the time (UTC), then the record's summary or the message.

        The SDK's own log lines are JSON (``{"level": ..., "logger": ..., "message": ...}``); they are shown in the
        agent's plain shape, ``LEVEL logger message``, so the terminal reads one way.
        """
        if self.record is not None:
            text = describe_record(self.record)
        else:
            logged = _json_object(self.message)
            if logged is not None and {"level", "message"} <= logged.keys():
                text = " ".join(str(logged[key]) for key in ("level", "logger", "message") if logged.get(key))
            else:
                text = self.message
        return f"{format_time(self.timestamp)}  {text}"


def _json_object(message: str) -> dict[str, Any] | None:
    if not message.startswith("{"):
        return None
    try:
        value = json.loads(message)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def describe_record(record: InvocationRecord) -> str:
    """``<session> <outcome> ttfc=… total=… chunks=… tokens=in/out tools=name(ms),… memory=…`` with what it has.

    ``memory`` is shown only when the write was not simply saved: failed (and why), pending or skipped.
    """
    parts = [record.session or "-", _outcome(record)]
    if record.ttfc_ms is not None:
        parts.append(f"ttfc={record.ttfc_ms:.0f}ms")
    if record.total_ms is not None:
        parts.append(f"total={record.total_ms / 1000:.2f}s")
    if record.outcome != Outcome.REFUSED:
        parts.append(f"chunks={record.chunks}")
    if record.usage:
        parts.append(f"tokens={record.usage.get('inputTokens', '?')}/{record.usage.get('outputTokens', '?')}")
    if record.stop_reason:
        parts.append(f"stop={record.stop_reason}")
    if record.tools:
        parts.append("tools=" + ",".join(_tool(tool) for tool in record.tools))
    if record.memory is not None and record.memory != MemoryWrite.SAVED:
        parts.append(f"memory={_with_reason(record.memory.value, record.memory_error)}")
    return "  ".join(parts)


def count_outcomes(events: Iterable[LogEvent]) -> Counter[str]:
    """How many invocations ended each way, from the records among ``events``.

    A completed invocation whose memory write failed counts as ``memory_write_failed``: every record ``logs --errors``
    shows is then counted as an error, once.
    """
    return Counter(_kind(event.record) for event in events if event.record is not None)


def _kind(record: InvocationRecord) -> str:
    if record.outcome == Outcome.COMPLETED and record.memory == MemoryWrite.FAILED:
        return MEMORY_WRITE_FAILED
    return record.outcome.value


def format_time(timestamp_ms: int) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UTC, the way CloudWatch stores event times."""
    return datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


def _outcome(record: InvocationRecord) -> str:
    outcome = record.outcome.value
    if record.outcome in _WITH_STATUS:
        outcome = f"{outcome} {record.status if record.status is not None else '?'}"
    return _with_reason(outcome, record.error)


def _with_reason(what: str, error: str | None) -> str:
    if not error:
        return what
    text = error if len(error) <= _MAX_ERROR_CHARS else error[: _MAX_ERROR_CHARS - 3] + "..."
    return f"{what} ({text})"


def _tool(tool: ToolCall) -> str:
    failed = f" {tool.status}" if tool.status and tool.status != _TOOL_SUCCEEDED else ""
    return f"{tool.name}({tool.ms:.0f}ms{failed})"
