"""The one JSON line the agent prints on stdout per invocation, and how a reader gets it back.

The agent (``agent/`` invocation log) writes it; AgentCore ships stdout to CloudWatch Logs, where ``python -m client
logs`` and ``status`` read it back. One typed record on both sides: a field renamed here is renamed for both. A record
carries no prompt and no answer text.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

RECORD_KEY = "record"
INVOCATION_RECORD = "invocation"
"""``{"record": "invocation", ...}`` marks the line among everything else the container prints."""


class Outcome(enum.StrEnum):
    """How an invocation ended."""

    COMPLETED = "completed"
    """The answer finished."""
    CLIENT_HUNG_UP = "client_hung_up"
    """The client left before it did."""
    MODEL_ERROR = "model_error"
    """The model (or Bedrock) failed mid-answer."""
    REFUSED = "refused"
    """The request was refused with a 4xx."""
    SERVER_ERROR = "server_error"
    """The server failed with a 5xx."""


class MemoryWrite(enum.StrEnum):
    """What became of an invocation's write to AgentCore Memory, as its record's ``memory`` field says.

    The field is ``null`` when the invocation has no memory to write to: none configured, no session id, or refused
    before its turn. A write that failed or is still pending is not lost: the session keeps the turn in process and
    writes it again, in order, after its next turn.
    """

    SAVED = "saved"
    """The turn's new messages (and any earlier turn still unsaved) are in memory."""
    FAILED = "failed"
    """Memory refused or could not be reached after botocore's retries; the record's ``memory_error`` says why."""
    PENDING = "pending"
    """The write had not finished when the record was printed (``MEMORY_RECORD_WAIT_SECONDS``); it goes on."""
    SKIPPED = "skipped"
    """Nothing to write: the turn added nothing to the conversation (a hang-up, a model error) and nothing is owed."""


@dataclass(frozen=True)
class ToolCall:
    """One tool call of the turn, as Strands timed it."""

    name: str
    ms: float
    status: str


@dataclass(frozen=True)
class InvocationRecord:
    """One invocation: how it ended, how fast, how big, which tools ran, what became of its memory write."""

    outcome: Outcome
    session: str | None = None
    user: str | None = None
    """Whose invocation, when the deployment signs users in: the verified token's ``user-...`` reference
    (``contract.auth.user_reference``), never the token or anything that says who the user is; absent from the line
    otherwise."""
    stream: str | None = None
    status: int | None = None
    ttfc_ms: float | None = None
    """Request arrival to the first text chunk; None when no text was sent."""
    total_ms: float | None = None
    """Request arrival to the response's end (what the client waited)."""
    chunks: int = 0
    usage: dict[str, int] | None = None
    """The model's token counts (``inputTokens``, ``outputTokens``, ``totalTokens``, ...); None when not reported."""
    stop_reason: str | None = None
    tools: tuple[ToolCall, ...] = field(default=())
    memory: MemoryWrite | None = None
    error: str | None = None
    """Why the invocation was refused or failed; absent from the line when there is none."""
    memory_error: str | None = None
    """Why the memory write failed; absent from the line when there is none."""

    def to_json(self) -> dict[str, Any]:
        """The JSON object of the line, its keys in the order a person reads them."""
        value: dict[str, Any] = {
            RECORD_KEY: INVOCATION_RECORD,
            "session": self.session,
            **({"user": self.user} if self.user else {}),
            "stream": self.stream,
            "outcome": self.outcome,
            "status": self.status,
            "ttfc_ms": self.ttfc_ms,
            "total_ms": self.total_ms,
            "chunks": self.chunks,
            "usage": self.usage,
            "stop_reason": self.stop_reason,
            "tools": [{"name": tool.name, "ms": tool.ms, "status": tool.status} for tool in self.tools],
            "memory": self.memory,
        }
        if self.error:
            value["error"] = self.error
        if self.memory_error:
            value["memory_error"] = self.memory_error
        return value

    def line(self, extra: Mapping[str, Any] | None = None) -> str:
        """The record as the one line of JSON the agent prints, with ``extra`` members after its own.

        The agent adds its metrics there (``contract.metrics``); a reader ignores them.
        """
        return json.dumps({**self.to_json(), **(extra or {})}, ensure_ascii=False, separators=(", ", ": "))

    @classmethod
    def from_json(cls, value: Any) -> InvocationRecord | None:
        """The record in a decoded JSON value; None when the value is not an invocation record.

        Lenient with what an older or newer agent may print (a missing field takes its default, an unknown one is
        ignored), strict only about what makes it a record: the marker and a known outcome.
        """
        if not isinstance(value, dict) or value.get(RECORD_KEY) != INVOCATION_RECORD:
            return None
        try:
            outcome = Outcome(value.get("outcome"))
        except ValueError:
            return None
        memory = value.get("memory")
        return cls(
            outcome=outcome,
            session=_text(value.get("session")),
            user=_text(value.get("user")),
            stream=_text(value.get("stream")),
            status=value.get("status") if isinstance(value.get("status"), int) else None,
            ttfc_ms=_number(value.get("ttfc_ms")),
            total_ms=_number(value.get("total_ms")),
            chunks=value.get("chunks") if isinstance(value.get("chunks"), int) else 0,
            usage=value.get("usage") if isinstance(value.get("usage"), dict) else None,
            stop_reason=_text(value.get("stop_reason")),
            tools=tuple(_tool_calls(value.get("tools"))),
            memory=MemoryWrite(memory) if memory in set(MemoryWrite) else None,
            error=_text(value.get("error")),
            memory_error=_text(value.get("memory_error")),
        )

    @classmethod
    def from_line(cls, line: str) -> InvocationRecord | None:
        """The record printed on ``line``; None for any other line."""
        if not line.startswith("{"):
            return None
        try:
            return cls.from_json(json.loads(line))
        except ValueError:
            return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _tool_calls(value: Any) -> list[ToolCall]:
    if not isinstance(value, list):
        return []
    return [
        ToolCall(name=str(item.get("name", "?")), ms=_number(item.get("ms")) or 0.0, status=str(item.get("status", "")))
        for item in value
        if isinstance(item, dict)
    ]
