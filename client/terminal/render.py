"""What the terminal shows while an answer streams: text as it comes, typed events on lines of their own, stats."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from contract.stream import EventType

_MAX_RESULT_CHARS = 200


def text_of(value: Any) -> str | None:
    """The answer text a value carries: a text-mode string or a ``text`` event; None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value.get("type") == EventType.TEXT and isinstance(value.get("text"), str):
        return value["text"]
    return None


class Renderer:
    """Writes an answer to ``out`` as it arrives, flushing after every value so the reader sees it at once.

    With ``events=False`` only the text is written, byte for byte as the model produced it. With
    ``events=True`` tool calls, tool results and the final ``done`` event appear too, each on a line of its own
    in brackets, between the stretches of text.
    """

    def __init__(self, out: TextIO, *, events: bool = False) -> None:
        self._out = out
        self._events = events
        self._at_line_start = True

    def write(self, value: Any) -> None:
        """Show one value of the stream."""
        text = text_of(value)
        if text is not None:
            self._emit(text)
        elif self._events:
            if not self._at_line_start:
                self._emit("\n")
            self._emit(describe_event(value) + "\n")

    def end_line(self) -> None:
        """Finish the current line, so that what comes next (a prompt, a message) starts on its own."""
        if not self._at_line_start:
            self._emit("\n")

    def _emit(self, text: str) -> None:
        if not text:
            return
        self._out.write(text)
        self._out.flush()
        self._at_line_start = text.endswith("\n")


def describe_event(value: Any) -> str:
    """One compact bracketed line for a typed event, e.g. ``[tool_use calculator {"expression": "2+2"}]``."""
    if not isinstance(value, dict):
        return f"[value {_compact(value)}]"
    kind = value.get("type")
    if kind == EventType.TOOL_USE:
        return f"[tool_use {value.get('name')} {_compact(value.get('input'))}]"
    if kind == EventType.TOOL_RESULT:
        parts = [part.get("text") or _compact(part.get("json")) for part in value.get("content", [])]
        content = " ".join(str(part) for part in parts)
        if len(content) > _MAX_RESULT_CHARS:
            content = content[: _MAX_RESULT_CHARS - 3] + "..."
        return f"[tool_result {value.get('status')} {content}]"
    if kind == EventType.DONE:
        usage = value.get("usage") or {}
        return (
            f"[done {value.get('stop_reason')} tokens in={usage.get('inputTokens')} out={usage.get('outputTokens')} "
            f"total={usage.get('totalTokens')} latency={value.get('latency_ms')}ms]"
        )
    rest = {key: item for key, item in value.items() if key != "type"}
    return f"[{kind or 'event'} {_compact(rest)}]"


@dataclass
class Stats:
    """Timing and size of one answer, measured where the caller sits."""

    started: float = field(default_factory=time.perf_counter)
    first_chunk_at: float | None = None
    ended_at: float | None = None
    chunks: int = 0
    characters: int = 0
    usage: dict[str, Any] | None = None

    def observe(self, value: Any) -> None:
        """Count a value as it arrives."""
        text = text_of(value)
        if text is not None:
            if self.first_chunk_at is None:
                self.first_chunk_at = time.perf_counter()
            self.chunks += 1
            self.characters += len(text)
        elif isinstance(value, dict) and value.get("type") == EventType.DONE:
            self.usage = value.get("usage")

    def finish(self) -> None:
        """The answer is complete."""
        self.ended_at = time.perf_counter()

    def line(self) -> str:
        """``stats: ttfc_ms=… chunks=… chars=… total_s=… tokens_in=… tokens_out=… tokens_total=…``."""
        ended = self.ended_at if self.ended_at is not None else time.perf_counter()
        ttfc = f"{(self.first_chunk_at - self.started) * 1000:.0f}" if self.first_chunk_at is not None else "n/a"
        usage = self.usage or {}
        tokens = " ".join(
            f"tokens_{label}={usage.get(key, 'n/a')}"
            for label, key in (("in", "inputTokens"), ("out", "outputTokens"), ("total", "totalTokens"))
        )
        return (
            f"stats: ttfc_ms={ttfc} chunks={self.chunks} chars={self.characters} "
            f"total_s={ended - self.started:.2f} {tokens}"
        )


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
