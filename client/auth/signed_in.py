"""``SignedInToken``: a login's current access token, refreshed with its refresh token when it is about to expire.

Called for every request (``Runtime`` and ``LocalAgent`` take it as their bearer token), so a chat that outlasts an
access token goes on with a new one, and the login cache keeps the new one for the next command. One refresh at a
time: the web relay's turns run on several threads.
"""

from __future__ import annotations

import dataclasses
import threading

from client.auth.cache import Login, LoginCache
from client.auth.provider import Provider
from client.auth.tokens import TokenSet
from client.errors import InvocationError, SignInExpiredError

LOGIN_AGAIN = "run python -m client login again"


class SignedInToken:
    """The access token of ``login``, kept current; ``cache``, when given, keeps each refreshed one.

    Args:
        login: the signed-in user and their provider.
        cache: where to keep refreshed tokens (None: in this process only, as the web relay's users' are).
        provider: the provider, once discovered (default: discovered at the first refresh).
    """

    def __init__(self, login: Login, cache: LoginCache | None = None, provider: Provider | None = None) -> None:
        self.login = login
        self._cache = cache
        self._provider = provider
        self._lock = threading.Lock()

    def __call__(self) -> str:
        """The access token, refreshed first when it expires within a minute.

        Raises:
            SignInExpiredError: it has expired and cannot be refreshed; the message says to log in again.
        """
        with self._lock:
            if self.login.tokens.expiring():
                self._refresh()
            return self.login.tokens.access_token

    @property
    def provider(self) -> Provider:
        """The login's provider, discovered once."""
        if self._provider is None:
            self._provider = Provider.discover(self.login.sign_in.discovery_url)
        return self._provider

    def _refresh(self) -> None:
        tokens = self.login.tokens
        if not tokens.refresh_token:
            raise SignInExpiredError(f"the sign-in to stack {self.login.stack} has expired: {LOGIN_AGAIN}")
        try:
            answer = self.provider.refresh(client_id=self.login.sign_in.client_id, refresh_token=tokens.refresh_token)
        except InvocationError as error:
            raise SignInExpiredError(
                f"the sign-in to stack {self.login.stack} could not be renewed ({error}): {LOGIN_AGAIN}"
            ) from None
        self.login = dataclasses.replace(self.login, tokens=TokenSet.from_response(answer, previous=tokens))
        if self._cache is not None:
            self._cache.save(self.login)
