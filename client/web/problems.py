"""A failure as the chat page shows it: a kind it has a title for, the words to show, and the relay's HTTP status.

The page (``static/app.js``) titles each ``ProblemKind`` ("Throttled", "Not sent"...); a test holds its titles to
this enum, so a kind added here without a title there (or the other way round) fails.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse, Response

from client.errors import (
    AgentClientError,
    ConfigurationError,
    EndpointUnreachableError,
    InvocationError,
    SignInExpiredError,
    StreamError,
    ThrottledError,
    TokenRefusedError,
)

SIGN_IN_AGAIN = "sign in again"


class ProblemKind(enum.StrEnum):
    """What went wrong, in the terms a person at the page needs: what to do next differs for each."""

    BAD_REQUEST = "bad_request"
    """The page's request itself was refused (not JSON, no prompt, a bad session id, too large or too slow)."""
    FORBIDDEN = "forbidden"
    """The relay wants its launch token."""
    SIGNED_OUT = "signed_out"
    """The agent takes signed-in users' tokens, and this browser's user is not signed in (or no longer)."""
    THROTTLED = "throttled"
    """Too many turns right now (AgentCore's quota, or the relay's own cap): the same turn may succeed later."""
    REFUSED = "refused"
    """The service or the agent refused the turn, saying why."""
    UNREACHABLE = "unreachable"
    """No answer from the agent at all."""
    CONFIGURATION = "configuration"
    """The relay cannot call the agent as configured (credentials, Region, the agent's own AWS set-up)."""
    STREAM = "stream"
    """The answer began but broke off."""
    UNEXPECTED = "unexpected"
    """Anything else."""


@dataclass(frozen=True)
class Problem:
    """A failure as the page shows it: a kind it can title, the words to show, and an HTTP status for the relay."""

    kind: ProblemKind
    message: str
    status: int
    code: str | None = None
    hint: str | None = None

    def body(self) -> dict[str, Any]:
        """The JSON the page receives, as an answer of its own or as the last line of a stream."""
        return {"kind": self.kind.value, "message": self.message, "code": self.code, "hint": self.hint}


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response:
    """The relay's answer for a problem before any line was sent: its JSON, with its status."""
    return JSONResponse(
        {"error": problem.body()}, status_code=problem.status, headers={"Cache-Control": "no-store", **(headers or {})}
    )


def problem_of(error: Exception) -> Problem:
    """Name a failure the way a person at the page needs it: throttled, refused, unreachable, broken off..."""
    if isinstance(error, StreamError):
        return Problem(ProblemKind.STREAM, error.message, 502, code=error.code, hint=error.hint)
    if isinstance(error, TokenRefusedError):
        return Problem(ProblemKind.SIGNED_OUT, error.message, 401, code=error.code, hint=SIGN_IN_AGAIN)
    if isinstance(error, SignInExpiredError):
        return Problem(ProblemKind.SIGNED_OUT, "your sign-in has expired", 401, hint=SIGN_IN_AGAIN)
    if isinstance(error, ThrottledError):
        message = error.message or "too many requests"
        return Problem(ProblemKind.THROTTLED, message, 429, code=error.code, hint=error.hint)
    if isinstance(error, InvocationError):
        # The agent's or the service's refusal keeps its 4xx status, so the page can tell "fix your input" apart.
        status = error.status if error.status is not None and 400 <= error.status < 500 else 502
        return Problem(ProblemKind.REFUSED, error.message or error.code, status, code=error.code, hint=error.hint)
    if isinstance(error, EndpointUnreachableError):
        return Problem(ProblemKind.UNREACHABLE, error.message, 502)
    if isinstance(error, ConfigurationError):
        return Problem(ProblemKind.CONFIGURATION, error.message, 500)
    if isinstance(error, AgentClientError):
        return Problem(ProblemKind.UNEXPECTED, error.message, 500)
    return Problem(ProblemKind.UNEXPECTED, f"{type(error).__name__}: {error}", 500)
