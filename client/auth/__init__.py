"""Signing a user in to a deployment that takes bearer tokens (``auth=cognito`` or ``jwt``), and keeping the token.

- ``provider``: the OpenID Connect provider as its discovery document describes it: where to send the browser, where
  to trade a code or a refresh token for tokens, where to revoke one.
- ``pkce``: the authorization code flow's proof key (RFC 7636, S256) and its ``state``.
- ``loopback``: the one redirect the browser brings back to ``http://localhost:PORT/callback`` (RFC 8252).
- ``tokens``: a provider's tokens and when they expire; ``cache``: a login kept per stack, readable by its user only.
- ``signed_in``: ``SignedInToken``, the current access token of a login, refreshed when it expires.
- ``config``: ``SignIn``, which provider and app client a deployment's users sign in with.
"""

from client.auth.cache import Login, LoginCache
from client.auth.config import SignIn
from client.auth.signed_in import SignedInToken
from client.auth.tokens import TokenSet

__all__ = ["Login", "LoginCache", "SignIn", "SignedInToken", "TokenSet"]
