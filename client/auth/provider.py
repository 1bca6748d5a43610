"""The OpenID Connect provider a deployment's users sign in to, as its discovery document describes it.

Every URL it names must be ``https`` (plain ``http`` only to this machine: a provider in a test), since tokens and
codes travel to them. Its answers are read with the same care as any other service's: an error is an exception of
this package saying what the provider said.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import urllib3
from urllib3.exceptions import HTTPError as URLLib3HTTPError

from client.aws import CALL_READ_TIMEOUT, CONNECT_TIMEOUT, socket_reason
from client.errors import ConfigurationError, EndpointUnreachableError, InvocationError
from contract.auth import discovery_url_problem, secure_url_problem

_POOL = urllib3.PoolManager(timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=CALL_READ_TIMEOUT), retries=False)
_FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}


@dataclass(frozen=True)
class Provider:
    """The endpoints of one provider: where the browser signs in, where codes and refresh tokens are traded."""

    issuer: str
    """The ``iss`` of its tokens."""
    authorization_endpoint: str
    """Where the browser signs in."""
    token_endpoint: str
    """Where a code, or a refresh token, is traded for tokens."""
    revocation_endpoint: str | None = None
    """Where a refresh token is revoked, when the provider offers it (RFC 7009)."""
    end_session_endpoint: str | None = None
    """Where a browser signs out of the provider (OpenID Connect RP-initiated logout), when it offers it."""

    @classmethod
    def discover(cls, discovery_url: str) -> Provider:
        """Read the provider's discovery document.

        Raises:
            ConfigurationError: the URL or a URL the document names cannot carry tokens, or it is no such document.
            EndpointUnreachableError: the provider did not answer.
        """
        problem = discovery_url_problem(discovery_url, loopback_http=True)
        if problem:
            raise ConfigurationError(f"discovery URL: {problem}")
        status, document = _request("GET", discovery_url, headers={"Accept": "application/json"})
        if status != 200 or not isinstance(document, dict):
            raise ConfigurationError(f"{discovery_url} is not a discovery document (HTTP {status})")
        try:
            provider = cls(
                issuer=str(document["issuer"]),
                authorization_endpoint=str(document["authorization_endpoint"]),
                token_endpoint=str(document["token_endpoint"]),
                revocation_endpoint=document.get("revocation_endpoint"),
                end_session_endpoint=document.get("end_session_endpoint"),
            )
        except KeyError as missing:
            raise ConfigurationError(f"the discovery document at {discovery_url} names no {missing}") from None
        for url in (provider.authorization_endpoint, provider.token_endpoint, provider.revocation_endpoint):
            problem = secure_url_problem(url, loopback_http=True) if url else None
            if problem:
                raise ConfigurationError(f"the discovery document at {discovery_url}: {problem}")
        return provider

    def authorization_url(self, *, client_id: str, redirect_uri: str, state: str, challenge: str, scope: str) -> str:
        """Where the browser signs in: the code flow, with the PKCE challenge and ``state``."""
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        separator = "&" if "?" in self.authorization_endpoint else "?"
        return f"{self.authorization_endpoint}{separator}{urlencode(query)}"

    def exchange_code(self, *, client_id: str, code: str, redirect_uri: str, verifier: str) -> dict[str, Any]:
        """Trade the redirect's code, with the verifier only this process knows, for tokens."""
        return self._token(
            {
                "grant_type": "authorization_code",
                "client_id": client_id,
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            }
        )

    def refresh(self, *, client_id: str, refresh_token: str) -> dict[str, Any]:
        """New tokens for a refresh token."""
        return self._token({"grant_type": "refresh_token", "client_id": client_id, "refresh_token": refresh_token})

    def revoke(self, *, client_id: str, token: str) -> bool:
        """Revoke a refresh token, if the provider can; whether it did."""
        if not self.revocation_endpoint:
            return False
        body = urlencode({"token": token, "client_id": client_id, "token_type_hint": "refresh_token"})
        status, _ = _request("POST", self.revocation_endpoint, body=body, headers=_FORM)
        return status == 200

    def _token(self, fields: dict[str, str]) -> dict[str, Any]:
        status, answer = _request("POST", self.token_endpoint, body=urlencode(fields), headers=_FORM)
        if status == 200 and isinstance(answer, dict) and isinstance(answer.get("access_token"), str):
            return answer
        error = answer if isinstance(answer, dict) else {}
        code = str(error.get("error") or f"HTTP {status}")
        message = str(error.get("error_description") or f"the provider's token endpoint answered HTTP {status}")
        raise InvocationError(code, message, status=status)


def _request(method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    try:
        response = _POOL.request(method, url, redirect=False, **kwargs)
    except URLLib3HTTPError as error:
        raise EndpointUnreachableError(f"cannot reach the sign-in provider at {url}: {socket_reason(error)}") from None
    try:
        return response.status, json.loads(response.data)
    except ValueError:
        return response.status, None
