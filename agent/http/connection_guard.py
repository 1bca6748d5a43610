"""Connections that hold the server without sending a request are cut, and the server serves a bounded number.

uvicorn times out a body only through the app (``agent.http.request_guard`` does) and idle keep-alive connections only
after a first response; a client that connects and sends nothing, or trickles a header line every few seconds, holds
its connection for ever, and 300 of them hold 300. Its ``limit_concurrency`` answers beyond the limit with plain
text. So the server speaks HTTP/1.1 through ``GuardedH11Protocol``, uvicorn's own h11 protocol with three changes:

- **Header timeout**: a request's headers must arrive within ``HEADER_TIMEOUT_SECONDS`` of the connection opening, or
  of the first byte of the next request on a kept-alive connection. Past it, a connection that sent part of a head is
  answered 408 with the usual JSON body and closed; one that sent nothing gets no answer, only the close (there is no
  request to answer).
- **Connection cap**: a connection beyond ``MAX_CONNECTIONS`` open ones is answered 503 with the usual JSON body
  (``Connection: close``) once its request head has arrived, and closed. Its slot is held until then, at most the
  header timeout.
- **Malformed HTTP** (a control character in a header value, a broken request line) is answered 400 with the usual
  JSON body instead of uvicorn's plain text.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from agent.http.errors import ROUTES_HINT

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectionLimits:
    """How long a request head may take, and how many connections may be open at once."""

    header_timeout_seconds: float
    max_connections: int


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a header timeout, a connection cap and JSON answers to malformed requests."""

    limits: ConnectionLimits

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Count the connection; one over the cap gets a 503 app for its request. Start waiting for a head."""
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        if len(self.connections) > self.limits.max_connections:
            logger.warning("max_connections=<%d> | connection over the limit", self.limits.max_connections)
            self.app = _over_capacity(self.limits.max_connections)
        self._wait_for_head()

    def data_received(self, data: bytes) -> None:
        """Feed h11; the head's deadline runs from the first byte of a request until its head is whole."""
        if self._awaiting_head() and self._head_timer is None:
            self._wait_for_head()
        super().data_received(data)
        if not self._awaiting_head():
            self._cancel_head_timer()

    def handle_websocket_upgrade(self, event: Any) -> None:
        """A WebSocket's handshake is a whole request head: its connection is the WebSocket protocol's from here."""
        self._cancel_head_timer()
        super().handle_websocket_upgrade(event)

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the deadline with the connection."""
        self._cancel_head_timer()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """Answer a request h11 cannot parse with the usual JSON body, then close."""
        error = (
            "the request is not valid HTTP/1.1: a malformed request line or header, such as a header value holding "
            "a control character (CR, LF, NUL, DEL, ...)"
        )
        self.transport.write(_raw_response(400, "Bad Request", {"error": error, "hint": ROUTES_HINT}))
        self.transport.close()

    def _awaiting_head(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _wait_for_head(self) -> None:
        self._head_timer = self.loop.call_later(self.limits.header_timeout_seconds, self._head_overdue)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_overdue(self) -> None:
        self._head_timer = None
        if not self._awaiting_head() or self.transport.is_closing():
            return
        received, _ = self.conn.trailing_data  # what h11 holds of a head it has not yet parsed
        logger.info(
            "seconds=<%g>, bytes_received=<%d> | request headers did not arrive in time, connection closed",
            self.limits.header_timeout_seconds,
            len(received),
        )
        if received:
            error = (
                f"request headers did not arrive within {self.limits.header_timeout_seconds:g} s "
                "(HEADER_TIMEOUT_SECONDS)"
            )
            hint = "send the request line and every header at once, then the body"
            self.transport.write(_raw_response(408, "Request Timeout", {"error": error, "hint": hint}))
        self.transport.close()


def protocol_class(limits: ConnectionLimits) -> type[GuardedH11Protocol]:
    """``GuardedH11Protocol`` bound to ``limits``, for ``uvicorn.Config(http=...)``."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"limits": limits})


def _over_capacity(max_connections: int) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {
                "error": f"the agent already serves its maximum of {max_connections} connections (MAX_CONNECTIONS)",
                "hint": "send the request again in a moment",
            },
            status_code=503,
            headers={"Connection": "close", "Retry-After": "1"},
        )
        await response(scope, receive, send)

    return app


def _raw_response(status: int, reason: str, body: dict[str, str]) -> bytes:
    """A whole response written straight to the socket, for a connection h11 has no request on."""
    payload = json.dumps(body).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(payload)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode() + payload
