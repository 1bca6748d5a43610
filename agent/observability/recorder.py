"""What one invocation did, reported by whoever alone knows it, for the record printed when the request is over.

``agent.observability.invocation_log`` prints the record. The streaming code reports chunks, usage, the stop reason
and a model failure; ``ToolTimings`` reports each tool call from Strands' own hook; the turn reports what became of
its write to AgentCore Memory; the middleware reports the status, the refusal's reason and the client's hang-up. The
recorder travels with the request (``RECORDER_KEY`` in the ASGI scope's ``state``, and in Strands'
``invocation_state`` for the hook).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from strands.hooks import AfterToolCallEvent, HookProvider, HookRegistry

from contract.record import InvocationRecord, MemoryWrite, Outcome, ToolCall

RECORDER_KEY = "invocation_recorder"
"""Where the recorder travels: the request's ``state``, and Strands' ``invocation_state`` for the tool hook."""
_MAX_ERROR_CHARS = 300


@dataclass
class InvocationRecorder:
    """What one invocation did, reported as it happens; ``record`` is the line printed at the end."""

    session_id: str | None = None
    user: str | None = None
    stream: str | None = None
    started: float = field(default_factory=time.perf_counter)
    first_chunk_at: float | None = None
    ended_at: float | None = None
    chunks: int = 0
    usage: dict[str, int] | None = None
    stop_reason: str | None = None
    tools: list[ToolCall] = field(default_factory=list)
    status: int | None = None
    error: str | None = None
    model_failed: bool = False
    answered: bool = False
    hung_up: bool = False
    memory: MemoryWrite | None = None
    memory_error: str | None = None

    def chunk(self) -> None:
        """A text delta left for the client."""
        if self.first_chunk_at is None:
            self.first_chunk_at = time.perf_counter()
        self.chunks += 1

    def tool_called(self, name: str, seconds: float | None, status: str) -> None:
        """A tool call finished (``seconds`` is None when it was cancelled before it ran)."""
        self.tools.append(ToolCall(name=name, ms=round((seconds or 0.0) * 1000, 1), status=status))

    def finished(self, stop_reason: str | None, usage: dict[str, int] | None) -> None:
        """The agent's turn ended normally."""
        self.stop_reason = stop_reason
        self.usage = usage

    def failed(self, error: BaseException) -> None:
        """The model (or Bedrock, or the event loop) failed after the stream began."""
        self.model_failed = True
        self.error = _short(f"{type(error).__name__}: {error}")

    def refused(self, body: bytes) -> None:
        """The response was a refusal with this body: its ``error`` (if it is a JSON error) is the record's."""
        try:
            value = json.loads(body)
        except ValueError:
            value = None
        error = value.get("error") if isinstance(value, dict) else None
        self.error = _short(str(error)) if error else None

    def end(self) -> None:
        """The client has all it will get; the total time stops here, whatever is still done for the record."""
        if self.ended_at is None:
            self.ended_at = time.perf_counter()

    def memory_written(self, result: MemoryWrite, error: str | None = None) -> None:
        """What became of the turn's write to AgentCore Memory."""
        self.memory = result
        self.memory_error = _short(error) if error else None

    @property
    def outcome(self) -> Outcome:
        """How the invocation ended, from what the middleware and the stream saw."""
        if self.status is not None and self.status >= 500:
            return Outcome.SERVER_ERROR
        if self.status is not None and self.status >= 400:
            return Outcome.REFUSED
        if self.hung_up and not self.answered:
            return Outcome.CLIENT_HUNG_UP
        if self.model_failed:
            return Outcome.MODEL_ERROR
        return Outcome.COMPLETED if self.answered else Outcome.CLIENT_HUNG_UP

    def record(self) -> InvocationRecord:
        """The record printed for this invocation."""
        return InvocationRecord(
            session=self.session_id,
            user=self.user,
            stream=self.stream,
            outcome=self.outcome,
            status=self.status,
            ttfc_ms=_ms(self.first_chunk_at, self.started),
            total_ms=_ms(self.ended_at or time.perf_counter(), self.started),
            chunks=self.chunks,
            usage=self.usage,
            stop_reason=self.stop_reason,
            tools=tuple(self.tools),
            memory=self.memory,
            error=self.error,
            memory_error=self.memory_error,
        )


def recorder_of(request: Request | None) -> InvocationRecorder:
    """The recorder ``InvocationLog`` attached to this request (a detached one if there is none, e.g. in a unit)."""
    state = request.scope.get("state") if request is not None else None
    recorder = state.get(RECORDER_KEY) if isinstance(state, dict) else None
    return recorder if isinstance(recorder, InvocationRecorder) else InvocationRecorder()


class ToolTimings(HookProvider):
    """Reports each tool call, with the duration Strands measured, to the recorder of the invocation it belongs to."""

    def register_hooks(self, registry: HookRegistry, **kwargs: Any) -> None:
        """Listen for finished tool calls."""
        registry.add_callback(AfterToolCallEvent, self._after_tool_call)

    @staticmethod
    def _after_tool_call(event: AfterToolCallEvent) -> None:
        recorder = event.invocation_state.get(RECORDER_KEY)
        if isinstance(recorder, InvocationRecorder):
            status = "error" if event.exception is not None else str(event.result.get("status", "success"))
            recorder.tool_called(event.tool_use.get("name", "?"), event.duration, status)


def _short(text: str) -> str:
    return text if len(text) <= _MAX_ERROR_CHARS else text[: _MAX_ERROR_CHARS - 3] + "..."


def _ms(end: float | None, start: float) -> float | None:
    return None if end is None else round((end - start) * 1000, 1)
