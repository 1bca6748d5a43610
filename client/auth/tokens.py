"""A provider's tokens for one signed-in user, when the access token expires, and what it says (unverified).

The client never checks a token's signature: AgentCore and the agent do. It reads the claims of its own user's token
only to show who is signed in and under which ``user-...`` reference their conversations are kept.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import asdict, dataclass
from typing import Any

from contract.auth import user_reference

EXPIRY_MARGIN_SECONDS = 60.0
"""An access token this close to its expiry is refreshed first: a stream must not start with a token about to lapse."""


@dataclass(frozen=True)
class TokenSet:
    """What the token endpoint answered: the access token (sent to the agent), and what refreshes it."""

    access_token: str
    """What the agent is sent: Cognito's carries the app client as ``client_id``."""
    expires_at: float
    """When the access token expires, in seconds since the epoch."""
    refresh_token: str | None = None
    """What renews the access token; None when the provider gave none."""
    id_token: str | None = None
    """Who signed in, for ``who``; never sent to the agent."""

    @classmethod
    def from_response(cls, body: dict[str, Any], *, previous: TokenSet | None = None) -> TokenSet:
        """The tokens of a token-endpoint answer; a refresh that brings no new refresh token keeps the old one."""
        lifetime = body.get("expires_in")
        access = str(body["access_token"])
        expires_at = time.time() + float(lifetime) if isinstance(lifetime, int | float) else _expiry(access)
        return cls(
            access_token=access,
            expires_at=expires_at,
            refresh_token=body.get("refresh_token") or (previous.refresh_token if previous else None),
            id_token=body.get("id_token") or (previous.id_token if previous else None),
        )

    def expiring(self, now: float | None = None) -> bool:
        """Whether the access token expires within ``EXPIRY_MARGIN_SECONDS`` (or has)."""
        return (time.time() if now is None else now) >= self.expires_at - EXPIRY_MARGIN_SECONDS

    def to_json(self) -> dict[str, Any]:
        """As the login cache keeps it."""
        return asdict(self)

    def who(self) -> str:
        """Who signed in, as the provider names them: email, else user name, else subject."""
        claims = {**unverified_claims(self.access_token), **unverified_claims(self.id_token or "")}
        for name in ("email", "cognito:username", "username", "preferred_username", "sub"):
            if isinstance(claims.get(name), str):
                return claims[name]
        return "an unnamed user"

    def reference(self) -> str | None:
        """The user's ``user-...`` reference, under which the agent keeps their conversations; None if unknown."""
        claims = unverified_claims(self.access_token)
        issuer, subject = claims.get("iss"), claims.get("sub")
        return user_reference(issuer, subject) if isinstance(issuer, str) and isinstance(subject, str) else None


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, read without checking anything: for display only. Empty when it is not one."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _expiry(access_token: str) -> float:
    exp = unverified_claims(access_token).get("exp")
    return float(exp) if isinstance(exp, int | float) else time.time()
