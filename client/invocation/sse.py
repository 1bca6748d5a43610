"""Incremental Server-Sent Events decoder: bytes in as they arrive, one JSON value out per event.

Follows the parsing rules of the HTML Living Standard (section "Server-sent events"): a line ends at LF, CRLF or
CR and nowhere else (``str.splitlines`` would also split at U+2028, which the agent sends raw); several ``data:``
lines of one event are joined with LF; comments and the other fields are ignored. Unlike a browser, a last event
cut off by the end of the stream without its blank line is still delivered, because the text it holds is part of
the answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from client.errors import StreamError

_LINE_END = re.compile(rb"\r\n|\r|\n")
_BOM = b"\xef\xbb\xbf"


class SSEDecoder:
    """Turns SSE bytes into the JSON values of their ``data:`` fields, whatever the byte boundaries."""

    def __init__(self) -> None:
        self._partial: list[bytes] = []  # the current line so far; it never contains a line end
        self._data: list[str] = []  # data lines of the current event
        self._skip_lf = False  # the previous chunk ended in CR: an LF starting the next one belongs to it
        self._first_line = True

    def feed(self, chunk: bytes) -> list[Any]:
        """Take the next bytes of the stream; return the values of the events they complete."""
        values: list[Any] = []
        if self._skip_lf:
            self._skip_lf = False
            if chunk.startswith(b"\n"):
                chunk = chunk[1:]
        start = 0
        for match in _LINE_END.finditer(chunk):
            self._partial.append(chunk[start : match.start()])
            line = b"".join(self._partial)
            self._partial.clear()
            self._take_line(line, values)
            start = match.end()
        if start < len(chunk):
            self._partial.append(chunk[start:])
        elif chunk.endswith(b"\r"):
            self._skip_lf = True
        return values

    def close(self) -> list[Any]:
        """The stream ended: return the value of an event left without its closing blank line, if any."""
        values: list[Any] = []
        if self._partial:
            line = b"".join(self._partial)
            self._partial.clear()
            self._take_line(line, values)
        self._take_line(b"", values)
        return values

    def _take_line(self, raw: bytes, values: list[Any]) -> None:
        if self._first_line:
            self._first_line = False
            raw = raw.removeprefix(_BOM)
        if not raw:
            if self._data:
                data = "\n".join(self._data)
                self._data.clear()
                if data:
                    values.append(_json_value(data))
            return
        if raw.startswith(b":"):
            return  # a comment, often a keep-alive
        field, _, value = raw.partition(b":")
        if field == b"data":
            self._data.append(_text(value.removeprefix(b" ")))


def iter_values(chunks: Iterable[bytes]) -> Iterator[Any]:
    """Decode a stream of byte chunks, yielding each value as soon as the bytes that complete it arrive."""
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.close()


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StreamError("bad_stream", f"the stream is not UTF-8 text ({error.reason} in a data line)") from None


def _json_value(data: str) -> Any:
    try:
        return json.loads(data)
    except json.JSONDecodeError as error:
        shown = data if len(data) <= 80 else data[:77] + "..."
        raise StreamError(
            "bad_stream", f"a data line is not JSON ({error.msg}): {shown!r}; is this the streaming agent?"
        ) from None
