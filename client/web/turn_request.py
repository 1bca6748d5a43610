"""A turn request to the relay, read and checked before anything reaches the agent: bad input is a clear problem.

``POST /api/turns`` takes ``{"prompt": "...", "session_id": "..." | null}`` as JSON from the page itself, whole
within ``BODY_TIMEOUT_SECONDS`` and at most ``MAX_BODY_BYTES`` long; every other request is answered with a
``bad_request`` problem (400, 403, 408, 413 or 415) that says what to send instead.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import anyio
from starlette.requests import ClientDisconnect, Request

from client.errors import ConfigurationError
from client.invocation import check_session_id, new_session_id
from client.web.problems import Problem, ProblemKind

MAX_BODY_BYTES = 1024 * 1024
"""Largest turn request accepted: well above any prompt the agent takes (``MAX_PROMPT_CHARS``, 100,000 by default)."""
BODY_TIMEOUT_SECONDS = 10.0
"""A turn request's whole body must arrive within this long (as the agent's own default ``BODY_TIMEOUT_SECONDS``):
a client sending it a byte at a time must not hold a connection open for ever."""


def from_this_page(request: Request) -> Problem | None:
    """The problem with a request the page itself did not send: another site's (its ``Origin``), or not JSON."""
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        return Problem(ProblemKind.BAD_REQUEST, f"requests are accepted from this page only, not from {origin}", 403)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        return Problem(ProblemKind.BAD_REQUEST, "send the request as JSON (Content-Type: application/json)", 415)
    return None


async def read_turn(request: Request, body_timeout: float) -> Problem | tuple[str, str]:
    """The prompt and session id of a turn request, or the problem with it (nothing is sent to the agent then).

    A request another site's page sent (its ``Origin`` is not this relay) or a plain form post (not JSON) is refused
    too: together with the Host check (``client.web.access``) they keep other sites from starting turns.
    """
    refusal = from_this_page(request)
    if refusal is not None:
        return refusal
    body = bytearray()
    try:
        # A deadline for the whole body, not per chunk: a client dripping a byte at a time gets no longer.
        with anyio.fail_after(body_timeout):
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    message = f"the request is larger than {MAX_BODY_BYTES} bytes; send a shorter prompt"
                    return Problem(ProblemKind.BAD_REQUEST, message, 413)
    except TimeoutError:
        return Problem(ProblemKind.BAD_REQUEST, f"the request body did not arrive within {body_timeout:g} s", 408)
    except ClientDisconnect:
        return Problem(ProblemKind.BAD_REQUEST, "the connection closed before the request body had arrived", 400)
    try:
        fields: Any = json.loads(body)
    except ValueError as error:
        return Problem(ProblemKind.BAD_REQUEST, f"the request is not JSON ({error})", 400)
    if not isinstance(fields, dict):
        return Problem(ProblemKind.BAD_REQUEST, 'send a JSON object: {"prompt": "...", "session_id": null}', 400)
    prompt, session_id = fields.get("prompt"), fields.get("session_id")
    if not isinstance(prompt, str) or not prompt.strip():
        return Problem(ProblemKind.BAD_REQUEST, '"prompt" must be a non-empty string', 400)
    if session_id is None:
        return prompt, new_session_id()
    if not isinstance(session_id, str):
        return Problem(ProblemKind.BAD_REQUEST, '"session_id" must be a string or null', 400)
    try:
        return prompt, check_session_id(session_id)
    except ConfigurationError as error:
        return Problem(ProblemKind.BAD_REQUEST, error.message, 400)
