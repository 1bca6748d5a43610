"""Who a verified token says the caller is, and where that travels with the request.

Kept apart from ``tokens`` and ``guard`` so that the server can read the verified user without importing what
verifies one (PyJWT, cryptography, httpx: about a tenth of a second of every cold start), which a deployment that
does not sign users in never needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from contract.auth import user_reference

if TYPE_CHECKING:
    from starlette.requests import Request

USER_KEY = "verified_user"
"""Where the verified user travels: the request's ``state``."""


@dataclass(frozen=True)
class VerifiedUser:
    """Who a verified token says the caller is: a subject of an issuer."""

    issuer: str
    subject: str

    @property
    def reference(self) -> str:
        """The user's stable, non-reversible id: their conversations' actor, and their invocation records' ``user``."""
        return user_reference(self.issuer, self.subject)


def verified_user(request: Request | None) -> VerifiedUser | None:
    """The user ``BearerAuth`` verified for this request; None when the deployment does not sign users in."""
    state = request.scope.get("state") if request is not None else None
    user = state.get(USER_KEY) if isinstance(state, dict) else None
    return user if isinstance(user, VerifiedUser) else None
