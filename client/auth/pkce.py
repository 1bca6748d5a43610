"""The authorization code flow's proof key (PKCE, RFC 7636) and ``state``: what makes a stolen code useless.

The verifier never leaves this process until the code is traded for tokens; the provider sees only its S256
challenge. ``state`` ties the redirect to the sign-in that started it, so a redirect someone else sends (with their
own code, to sign this user in as them) is refused.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

VERIFIER_BYTES = 64
"""512 random bits: an 86-character verifier, within RFC 7636's 43 to 128."""


def new_verifier() -> str:
    """A fresh code verifier."""
    return secrets.token_urlsafe(VERIFIER_BYTES)


def challenge(verifier: str) -> str:
    """The S256 challenge of ``verifier``: base64url of its SHA-256, unpadded."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def new_state() -> str:
    """A fresh ``state``: 256 random bits."""
    return secrets.token_urlsafe(32)


def same(expected: str, offered: str | None) -> bool:
    """Whether ``offered`` is ``expected``, compared in constant time."""
    return offered is not None and secrets.compare_digest(expected.encode(), offered.encode())
