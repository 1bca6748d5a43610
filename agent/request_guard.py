"""ASGI middleware that rejects an unusable ``/invocations`` body before the SDK sees it.

The SDK answers malformed JSON with a bare ``{"error": "Invalid JSON"}``; this guard answers it (and bodies
too large to hold a valid prompt) in the same helpful shape as every other rejection, then replays the body it
read so the SDK parses the request as usual.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.payload import BadRequest, decode_body


class RequestGuard:
    """Validate ``POST /invocations`` bodies as JSON within ``max_bytes``; pass everything else through."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the whole body (it is small by construction), check it, and replay it downstream."""
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/invocations":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._reject(BadRequest(f"request body exceeds {self.max_bytes} bytes", status=413), scope, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        try:
            decode_body(body)
        except BadRequest as error:
            await self._reject(error, scope, send)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _reject(error: BadRequest, scope: Scope, send: Send) -> None:
        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        await JSONResponse(error.body(), status_code=error.status)(scope, no_body, send)
