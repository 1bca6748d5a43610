"""The answer of one invocation, read as it arrives and decoded into JSON values.

Both transports (botocore for AgentCore, urllib3 for a local agent) end in a urllib3 ``HTTPResponse``. Its
``read(n)``, which botocore's ``iter_chunks`` and ``iter_lines`` use, waits until ``n`` bytes have arrived or the
body ends, so a short answer would appear all at once when the model finished; ``read1(n)`` returns as soon as
any bytes are there. That is what makes the stream stream.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from urllib3.exceptions import HTTPError as URLLib3HTTPError
from urllib3.exceptions import ReadTimeoutError as URLLib3ReadTimeoutError

from client.errors import AgentSetupError, StreamError
from client.invocation.sse import iter_values
from contract.stream import ANSWER_EVENTS, AWS_SETUP_ERROR, EventType

_READ_SIZE = 64 * 1024


class RawBody(Protocol):
    """What the stream needs from an HTTP body: urllib3's ``HTTPResponse`` and ``io.BytesIO`` both qualify."""

    def read(self, amt: int | None = None) -> bytes: ...  # noqa: D102

    def close(self) -> None: ...  # noqa: D102


def read_chunks(raw: RawBody, size: int = _READ_SIZE) -> Iterator[bytes]:
    """Yield the body's bytes as they arrive: each chunk is whatever the socket had, up to ``size`` bytes."""
    read1 = getattr(raw, "read1", None)
    if read1 is None:  # an older urllib3: stream() still yields each HTTP chunk of a chunked body as it lands
        stream = getattr(raw, "stream", None)
        yield from stream(size) if stream is not None else iter(lambda: raw.read(size), b"")
        return
    while chunk := read1(size):
        yield chunk


def _error_in(value: Any) -> dict[str, Any] | None:
    """``value`` if it ends the stream with an error (the agent's ``stream_error`` or the SDK's own), else None.

    The SDK's event for an exception raised inside the handler has an ``error`` but no ``type`` of the contract's, so
    anything with an ``error`` that is not one of the answer's own events counts.
    """
    if isinstance(value, dict) and "error" in value and value.get("type") not in ANSWER_EVENTS:
        return value
    return None


class Stream:
    """The answer to one invocation. Iterate it for values, each as soon as it arrives.

    In text mode each value is a string (one text delta); in events mode each is a typed event dict
    (``{"type": "text", "text": ...}``, ``tool_use``, ``tool_result``, ``done``). A non-streaming JSON answer is
    one value. An error event, or a stream that breaks off, raises ``StreamError`` where it happens, so a
    truncated answer is never mistaken for a complete one; the agent's event for a machine that cannot call AWS at
    all raises ``AgentSetupError`` (nothing was answered).

    Attributes:
        session_id: the runtime session the answer belongs to; pass it again to continue the conversation.
        content_type: the answer's media type (``text/event-stream`` when it streams).
    """

    def __init__(
        self,
        body: AbstractContextManager[RawBody] | RawBody,
        *,
        content_type: str,
        session_id: str,
        read_timeout: float | None = None,
    ) -> None:
        self.session_id = session_id
        self.content_type = content_type
        self._body = body
        self._raw = _open(body)
        self._read_timeout = read_timeout
        self._values = self._generate()

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        return next(self._values)

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop reading and release the connection (also done when the answer has been read to its end)."""
        self._values.close()
        _close(self._body)

    def abort(self) -> None:
        """End the answer from another thread, even while one is blocked waiting for its next bytes.

        ``close`` cannot be called while another thread iterates the stream; this shuts the socket down for
        reading instead, so the blocked read returns at once and the reading thread closes the connection,
        which the agent sees as the client hanging up. Safe to call at any time, more than once.
        """
        shutdown = getattr(self._raw, "shutdown", None)  # urllib3 2.3 and later
        if shutdown is not None:
            with contextlib.suppress(ValueError, RuntimeError, OSError):  # already closed or released
                shutdown()

    def text(self) -> str:
        """Read the rest of the answer and return its text (text deltas, or the text of ``text`` events)."""
        parts: list[str] = []
        for value in self:
            if isinstance(value, str):
                parts.append(value)
            elif isinstance(value, dict) and value.get("type") == EventType.TEXT:
                parts.append(value.get("text", ""))
        return "".join(parts)

    def _generate(self) -> Iterator[Any]:
        try:
            raw = self._raw
            if self.content_type.split(";")[0].strip().lower() == "text/event-stream":
                values: Iterator[Any] = iter_values(read_chunks(raw))
            else:
                values = iter([_whole_body_value(b"".join(read_chunks(raw)))])
            for value in values:
                failure = _error_in(value)
                if failure is not None and failure.get("code") == AWS_SETUP_ERROR:
                    raise AgentSetupError(str(failure["error"]))
                if failure is not None:
                    code = str(failure.get("type") or failure.get("error_type") or EventType.STREAM_ERROR.value)
                    raise StreamError(code, str(failure["error"]), event=failure)
                yield value
        except URLLib3ReadTimeoutError:
            waited = f"{self._read_timeout:g} s" if self._read_timeout is not None else "the read timeout"
            raise StreamError(
                "read_timeout", f"the answer stopped: no data for {waited} (raise the read timeout for slow agents)"
            ) from None
        except URLLib3HTTPError as error:
            raise StreamError(
                "stream_interrupted", f"the connection broke before the answer was complete ({error})"
            ) from None
        finally:
            _close(self._body)


def _open(body: AbstractContextManager[RawBody] | RawBody) -> RawBody:
    # botocore's StreamingBody hands out the urllib3 response it wraps as its context manager value
    # (``with response["response"] as raw``), the one object that has read1().
    if hasattr(body, "read1") or not isinstance(body, AbstractContextManager):
        return body  # type: ignore[return-value]
    return body.__enter__()


def _close(body: object) -> None:
    close = getattr(body, "close", None)
    if close is not None:
        close()


def _whole_body_value(body: bytes) -> Any:
    text = body.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
