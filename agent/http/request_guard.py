"""ASGI middleware that rejects an unusable ``/invocations`` body before the SDK sees it.

The SDK answers malformed JSON with a bare ``{"error": "Invalid JSON"}`` and lets a decoder failure it does not
expect (nesting too deep, a huge integer) become a plain-text 500; this guard answers every one of them (and bodies
too large to hold a valid prompt, or too slow to arrive) in the same helpful shape as every other rejection, then
replays the body it read so the SDK parses the request as usual.
"""

from __future__ import annotations

import asyncio

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.http.invocation_middleware import InvocationMiddleware
from agent.http.payload import BadRequest, decode_body


class _Disconnected(Exception):
    """The client went away before its body arrived: there is no one to answer."""


class RequestGuard(InvocationMiddleware):
    """Validate ``POST /invocations`` bodies as JSON within ``max_bytes`` and ``timeout``; pass everything else."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def invocation(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the whole body (it is small by construction), check it, and replay it downstream."""
        try:
            # A deadline for the whole body, not per chunk: a client dripping one byte at a time must not hold
            # a connection (and the server's memory) open for ever. No session is acquired before this returns.
            async with asyncio.timeout(self.timeout):
                body = await self._read_body(receive)
            decode_body(body)
        except _Disconnected:
            return
        except TimeoutError:
            error = BadRequest(
                f"request body did not arrive within {self.timeout:g} s (BODY_TIMEOUT_SECONDS)", status=408
            )
            await _reject(error, scope, send)
            return
        except BadRequest as error:
            await _reject(error, scope, send)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _read_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise BadRequest(f"request body exceeds {self.max_bytes} bytes", status=413)
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)


async def _reject(error: BadRequest, scope: Scope, send: Send) -> None:
    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    # An unread rest of the body (too large, too slow) would otherwise be taken for the connection's next request.
    headers = {"Connection": "close"} if error.status in (408, 413) else None
    response = JSONResponse(error.body(), status_code=error.status, headers=headers)
    await response(scope, no_body, send)
