"""The agent's per-invocation records as the client reads them back from CloudWatch Logs.

The agent prints one JSON line per invocation (``agent.observability.invocation_log``); every other line it prints is
plain text. This module recognises the records, says which lines count as failures, and renders a record as one line
a person can scan: time, session, outcome, time to first chunk, tokens, tools, and the memory write unless it was saved.
A completed invocation whose memory write failed is a failure too: the user saw the answer, but a new microVM
would not remember it until the session's next turn writes it again.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contract.record import INVOCATION_RECORD, MemoryWrite

COMPLETED = "completed"
MEMORY_WRITE_FAILED = "memory_write_failed"
"""How ``count_outcomes`` counts a completed invocation whose write to AgentCore Memory failed."""
_ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL)\b|^Traceback \(most recent call last\)")
_MAX_ERROR_CHARS = 160


@dataclass(frozen=True)
class LogEvent:
    """One CloudWatch Logs event of the runtime's log group; ``record`` is set when it is an invocation record."""

    timestamp: int
    stream: str
    message: str
    event_id: str = ""
    record: dict[str, Any] | None = None

    @classmethod
    def from_cloudwatch(cls, event: dict[str, Any]) -> LogEvent:
        """Build from a ``FilterLogEvents`` event, recognising an invocation record in its message."""
        message = event.get("message", "").rstrip("\n")
        return cls(
            timestamp=int(event.get("timestamp", 0)),
            stream=event.get("logStreamName", ""),
            message=message,
            event_id=event.get("eventId", ""),
            record=parse_record(message),
        )

    @property
    def is_failure(self) -> bool:
        """A record of an invocation that did not complete or whose memory write failed, or an ERROR line.

        An ERROR line: a plain line at ERROR or CRITICAL level, or a traceback.
        """
        if self.record is not None:
            return self.record.get("outcome") != COMPLETED or self.record.get("memory") == MemoryWrite.FAILED
        return _ERROR_LINE.search(self.message) is not None

    def mentions_session(self, session_id: str) -> bool:
        """The record of that session, or a plain line that names it."""
        if self.record is not None:
            return self.record.get("session") == session_id
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


def parse_record(message: str) -> dict[str, Any] | None:
    """The invocation record a log message holds, or None for any other line."""
    value = _json_object(message)
    return value if value is not None and value.get("record") == INVOCATION_RECORD else None


def _json_object(message: str) -> dict[str, Any] | None:
    if not message.startswith("{"):
        return None
    try:
        value = json.loads(message)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def describe_record(record: dict[str, Any]) -> str:
    """``<session> <outcome> ttfc=… total=… chunks=… tokens=in/out tools=name(ms),… memory=…`` with what it has.

    ``memory`` is shown only when the write was not simply saved: failed (and why), pending or skipped.
    """
    parts = [str(record.get("session") or "-"), _outcome(record)]
    if record.get("ttfc_ms") is not None:
        parts.append(f"ttfc={record['ttfc_ms']:.0f}ms")
    if record.get("total_ms") is not None:
        parts.append(f"total={record['total_ms'] / 1000:.2f}s")
    if record.get("chunks") is not None and record.get("outcome") != "refused":
        parts.append(f"chunks={record['chunks']}")
    usage = record.get("usage") or {}
    if usage:
        parts.append(f"tokens={usage.get('inputTokens', '?')}/{usage.get('outputTokens', '?')}")
    if record.get("stop_reason"):
        parts.append(f"stop={record['stop_reason']}")
    tools = record.get("tools") or []
    if tools:
        parts.append("tools=" + ",".join(_tool(tool) for tool in tools))
    memory = record.get("memory")
    if memory is not None and memory != MemoryWrite.SAVED:
        parts.append(f"memory={_with_reason(str(memory), record.get('memory_error'))}")
    return "  ".join(parts)


def count_outcomes(events: Iterable[LogEvent]) -> Counter[str]:
    """How many invocations ended each way, from the records among ``events``.

    A completed invocation whose memory write failed counts as ``memory_write_failed``: every record ``logs --errors``
    shows is then counted as an error, once.
    """
    return Counter(_kind(event.record) for event in events if event.record is not None)


def _kind(record: dict[str, Any]) -> str:
    outcome = str(record.get("outcome", "unknown"))
    if outcome == COMPLETED and record.get("memory") == MemoryWrite.FAILED:
        return MEMORY_WRITE_FAILED
    return outcome


def format_time(timestamp_ms: int) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UTC, the way CloudWatch stores event times."""
    return datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


def _outcome(record: dict[str, Any]) -> str:
    outcome = str(record.get("outcome", "unknown"))
    if outcome in {"refused", "server_error"}:
        outcome = f"{outcome} {record.get('status', '?')}"
    return _with_reason(outcome, record.get("error"))


def _with_reason(what: str, error: Any) -> str:
    if not error:
        return what
    text = str(error)
    if len(text) > _MAX_ERROR_CHARS:
        text = text[: _MAX_ERROR_CHARS - 3] + "..."
    return f"{what} ({text})"


def _tool(tool: dict[str, Any]) -> str:
    failed = "" if tool.get("status", "success") == "success" else f" {tool.get('status')}"
    duration = tool.get("ms")
    shown = f"{duration:.0f}ms" if isinstance(duration, int | float) else "?"
    return f"{tool.get('name', '?')}({shown}{failed})"
