"""ASGI middleware: every ``POST /invocations`` carries a valid bearer token, or is refused before its body is parsed.

It runs inside the invocation record's middleware (so a refusal is recorded, with its reason) and before the body
guard (so a caller without a token cannot make the agent decode a body): no session is touched and no model runs
for a request it refuses. A refused request's body is drained unread, up to ``DRAIN_BYTES`` within
``DRAIN_SECONDS``, so that the connection can serve the caller's next request; a larger or slower body closes the
connection instead. ``/ping`` needs no token.

- no ``Authorization: Bearer`` header, or a token that is not valid: 401, with ``WWW-Authenticate: Bearer``;
- a valid token of a client or audience that is not allowed: 403;
- an actor header (``X-Amzn-Bedrock-AgentCore-Runtime-Custom-Actor-Id``): 403. The verified user owns the
  conversation; a caller naming an actor would be asking for someone else's, so the request is refused rather than
  quietly answered as someone else than it asked;
- the issuer's discovery document or keys cannot be fetched: 503, saying so.

The verified user travels on in the request's ``state`` (``verified_user``) and in the invocation record (``user``).
"""

from __future__ import annotations

import asyncio
import logging

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.auth.issuer import IssuerUnavailable
from agent.auth.tokens import TokenRefused, TokenVerifier
from agent.auth.user import USER_KEY, VerifiedUser
from agent.http.invocation_middleware import InvocationMiddleware
from agent.observability.recorder import RECORDER_KEY, InvocationRecorder
from contract.agentcore import ACTOR_HEADER
from contract.auth import AUTHORIZATION_HEADER, BEARER

logger = logging.getLogger(__name__)

DRAIN_BYTES = 64 * 1024
DRAIN_SECONDS = 1.0
NEW_TOKEN_HINT = (
    f"send {AUTHORIZATION_HEADER}: {BEARER} <access token> of a user signed in to this deployment's provider; "
    "python -m client login gets one, and gets a new one when it has expired"
)


class BearerAuth(InvocationMiddleware):
    """Admit a ``POST /invocations`` only with a token ``verifier`` accepts; pass every other request through."""

    def __init__(self, app: ASGIApp, verifier: TokenVerifier) -> None:
        super().__init__(app)
        self.verifier = verifier

    async def invocation(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Verify the token, then hand the request on with the user in its ``state``; or refuse it."""
        state = scope.setdefault("state", {})
        recorder = state.get(RECORDER_KEY)
        headers = Headers(scope=scope)
        if ACTOR_HEADER in headers:
            message = f"header {ACTOR_HEADER} is not taken here: the signed-in user owns the conversation"
            logger.info("status=<403>, reason=<%s> | invocation refused: actor header", message)
            hint = f"leave {ACTOR_HEADER} out; the token says whose it is"
            await _refuse(403, message, scope, receive, send, hint=hint)
            return
        try:
            user = await self._user(headers)
        except TokenRefused as refused:
            if refused.user is not None and isinstance(recorder, InvocationRecorder):
                recorder.user = refused.user.reference
            logger.info("status=<%d>, reason=<%s> | invocation refused: bearer token", refused.status, refused.message)
            await _refuse(refused.status, refused.message, scope, receive, send)
            return
        except IssuerUnavailable as error:
            logger.warning("error=<%s> | token issuer unavailable, invocation refused", error)
            message = f"the agent cannot check bearer tokens right now: {error}"
            await _refuse(503, message, scope, receive, send, hint="send the request again in a moment")
            return
        state[USER_KEY] = user
        if isinstance(recorder, InvocationRecorder):
            recorder.user = user.reference
        await self.app(scope, receive, send)

    async def _user(self, headers: Headers) -> VerifiedUser:
        scheme, _, token = headers.get(AUTHORIZATION_HEADER, "").partition(" ")
        if scheme.lower() != BEARER.lower() or not token.strip():
            raise TokenRefused(f"this agent needs a bearer token ({AUTHORIZATION_HEADER}: {BEARER} <JWT>)")
        return await self.verifier.verify(token.strip())


async def _refuse(
    status: int, message: str, scope: Scope, receive: Receive, send: Send, *, hint: str = NEW_TOKEN_HINT
) -> None:
    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    headers = {} if await _drained(receive) else {"Connection": "close"}
    if status == 401:
        headers["WWW-Authenticate"] = f'{BEARER} error="invalid_token"'
    response = JSONResponse({"error": message, "hint": hint}, status_code=status, headers=headers)
    await response(scope, nothing, send)


async def _drained(receive: Receive) -> bool:
    """Read the rest of the body and drop it; False when it is too large or too slow (or the caller has gone)."""
    size = 0
    try:
        async with asyncio.timeout(DRAIN_SECONDS):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return False
                size += len(message.get("body", b""))
                if size > DRAIN_BYTES:
                    return False
                if not message.get("more_body", False):
                    return True
    except TimeoutError:
        return False
