"""``SignIn``: which provider and app client a deployment's users sign in with, and where its runtime is.

It comes from the stack's outputs (``AuthDiscoveryUrl``, ``AuthClientId``, ``LoginDomain``, ``RuntimeArn``), from a
login kept for the stack, or from ``--discovery-url`` and ``--client-id`` for a provider the stack does not name.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from client.errors import ConfigurationError
from contract.auth import OUTPUT_AUTH_CLIENT_ID, OUTPUT_AUTH_DISCOVERY_URL, OUTPUT_LOGIN_DOMAIN
from contract.deployment import OUTPUT_RUNTIME_ARN

COGNITO_LOGOUT_PATH = "/logout"
"""Cognito's managed login signs the browser out at ``<login domain>/logout`` (``client_id``, ``logout_uri``)."""


@dataclass(frozen=True)
class SignIn:
    """A provider's discovery URL and the app client to sign in with; the runtime, when known."""

    discovery_url: str
    """The provider's ``https://…/.well-known/openid-configuration``."""
    client_id: str
    """The app client users sign in with; its id is the ``client_id`` of their access tokens."""
    login_domain: str | None = None
    """Cognito's managed login (``https://<prefix>.auth.<region>.amazoncognito.com``); None for other providers."""
    runtime_arn: str | None = None
    """The runtime that takes the tokens (its ARN names its Region), when known: a login then needs no AWS call."""

    @classmethod
    def from_outputs(cls, stack: str, outputs: dict[str, str], client_id: str | None = None) -> SignIn | None:
        """The sign-in the stack's outputs name; None for a stack deployed with ``auth=iam``.

        Raises:
            ConfigurationError: the stack allows several app clients and ``client_id`` names none of them.
        """
        discovery_url = outputs.get(OUTPUT_AUTH_DISCOVERY_URL)
        if discovery_url is None:
            return None
        client = client_id or outputs.get(OUTPUT_AUTH_CLIENT_ID)
        if client is None:
            raise ConfigurationError(
                f"stack {stack!r} takes tokens of several app clients, and names none to sign in with: pass "
                "--client-id with the one this client is registered as"
            )
        return cls(discovery_url, client, outputs.get(OUTPUT_LOGIN_DOMAIN), outputs.get(OUTPUT_RUNTIME_ARN))

    def signed_out_url(self, end_session_endpoint: str | None, return_to: str) -> str | None:
        """Where a browser signs out of the provider too, then comes back to ``return_to``; None if nowhere.

        Cognito's managed login at its ``/logout``; any other provider at its ``end_session_endpoint`` (OpenID
        Connect RP-initiated logout).
        """
        if self.login_domain:
            query = urlencode({"client_id": self.client_id, "logout_uri": return_to})
            return f"{self.login_domain}{COGNITO_LOGOUT_PATH}?{query}"
        if end_session_endpoint:
            query = urlencode({"client_id": self.client_id, "post_logout_redirect_uri": return_to})
            return f"{end_session_endpoint}?{query}"
        return None
