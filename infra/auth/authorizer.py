"""``JwtAuthorizer``: the one description of which tokens the runtime takes, for AgentCore and for the agent alike.

AgentCore checks each request's bearer token with its ``customJWTAuthorizer`` before the container sees it; the agent
checks it again with the same three values, handed over as environment variables, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contract.auth import (
    AUTH_ALLOWED_AUDIENCES_ENV,
    AUTH_ALLOWED_CLIENTS_ENV,
    AUTH_DISCOVERY_URL_ENV,
    joined,
)


@dataclass(frozen=True)
class JwtAuthorizer:
    """Tokens of the issuer behind ``discovery_url``, for one of ``allowed_clients`` and/or ``allowed_audience``.

    Values may be CDK tokens (a user pool's id, an app client's id), resolved at deploy time.
    """

    discovery_url: str
    allowed_clients: tuple[str, ...] = ()
    allowed_audience: tuple[str, ...] = ()

    def configuration(self) -> dict[str, Any]:
        """``authorizerConfiguration`` as ``CreateAgentRuntime`` and ``UpdateAgentRuntime`` take it."""
        authorizer: dict[str, Any] = {"discoveryUrl": self.discovery_url}
        if self.allowed_clients:
            authorizer["allowedClients"] = list(self.allowed_clients)
        if self.allowed_audience:
            authorizer["allowedAudience"] = list(self.allowed_audience)
        return {"customJWTAuthorizer": authorizer}

    def environment(self) -> dict[str, str]:
        """The agent's variables for the same check (``agent/settings.py`` reads them)."""
        variables = {AUTH_DISCOVERY_URL_ENV: self.discovery_url}
        if self.allowed_clients:
            variables[AUTH_ALLOWED_CLIENTS_ENV] = joined(self.allowed_clients)
        if self.allowed_audience:
            variables[AUTH_ALLOWED_AUDIENCES_ENV] = joined(self.allowed_audience)
        return variables
