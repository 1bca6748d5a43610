"""Signed-in end users: what the stack, the agent and the client share about inbound JWT authorization.

A deployment's ``auth`` mode says who may invoke the runtime: ``iam`` (SigV4 from an AWS identity, the default), or a
user signed in to Cognito (``cognito``) or to any OpenID Connect provider (``jwt``), whose bearer token AgentCore
checks against the provider's discovery document before the request reaches the container. The stack hands the
agent the same authorizer settings as environment variables, and the agent checks the token again; the client finds
the provider and its app client in the stack's outputs, signs the user in on a loopback redirect, and sends the token.

A conversation belongs to the verified user: ``user_reference`` turns the token's issuer and subject into the actor
id under which AgentCore Memory keeps the user's conversations and the id the invocation record carries.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

AUTH_IAM = "iam"
"""SigV4-signed requests from an AWS identity allowed ``bedrock-agentcore:InvokeAgentRuntime``."""
AUTH_COGNITO = "cognito"
"""Bearer tokens of users of a Cognito user pool the stack creates."""
AUTH_JWT = "jwt"
"""Bearer tokens of any OpenID Connect provider, named by its discovery URL."""
AUTH_MODES = (AUTH_IAM, AUTH_COGNITO, AUTH_JWT)

AUTHORIZATION_HEADER = "Authorization"
"""Carries ``Bearer <JWT>``. AgentCore checks it, and hands it to the container only when the runtime's
``requestHeaderAllowlist`` lists it; the stack lists it in both JWT modes so that the agent can check it too."""
BEARER = "Bearer"
AUTHORIZATION_MISMATCH = "Authorization method mismatch"
"""How AgentCore's 403 begins for a request authorized the other way than its runtime is: SigV4 to a runtime that
takes bearer tokens, or a bearer token to one that takes SigV4."""

# Environment variables the stack sets on the runtime in both JWT modes, read by the agent (agent/settings.py).
AUTH_DISCOVERY_URL_ENV = "AUTH_DISCOVERY_URL"
"""The provider's OpenID Connect discovery URL: the agent takes only tokens its issuer signed. Unset: no token is
asked for (AgentCore has admitted the caller with SigV4)."""
AUTH_ALLOWED_CLIENTS_ENV = "AUTH_ALLOWED_CLIENTS"
"""Comma-separated app client ids; a token's ``client_id`` claim must be one of them (when set)."""
AUTH_ALLOWED_AUDIENCES_ENV = "AUTH_ALLOWED_AUDIENCES"
"""Comma-separated audiences; a token's ``aud`` claim must name one of them (when set)."""

# ``OutputKey`` of the stack's outputs in the JWT modes, read by the client to sign a user in.
OUTPUT_AUTH_DISCOVERY_URL = "AuthDiscoveryUrl"
"""Present exactly when the runtime takes bearer tokens: the provider's discovery URL."""
OUTPUT_AUTH_CLIENT_ID = "AuthClientId"
"""The app client users sign in with: Cognito's, or the one allowed client of the ``jwt`` mode."""
OUTPUT_USER_POOL_ID = "UserPoolId"
OUTPUT_LOGIN_DOMAIN = "LoginDomain"
"""``https://<prefix>.auth.<region>.amazoncognito.com``: Cognito's managed login (``cognito`` mode only)."""

DISCOVERY_URL_PATTERN = re.compile(
    r"[^\s?#]+/\.well-known/(openid-configuration|oauth-authorization-server)(/[^\s?#]+)?"
)
"""``customJWTAuthorizer.discoveryUrl`` as ``CreateAgentRuntime`` takes it (botocore's service model)."""

LOOPBACK_REDIRECT_HOST = "localhost"
"""Where a signed-in user's browser is sent back: Cognito takes plain ``http`` for ``localhost`` only, and matches a
redirect URI exactly, port included, so each port a client listens on is registered."""
LOGIN_PORTS = (8765, 8766, 8767)
"""Ports ``python -m client login`` listens on for the redirect (RFC 8252 loopback), the first one free."""
LOGIN_CALLBACK_PATH = "/callback"
WEB_CHAT_PORT = 8501
"""The chat page's port (``python -m client web``) unless ``--port`` says otherwise; its sign-in is registered."""
WEB_CALLBACK_PATH = "/auth/callback"
WEB_SIGNED_OUT_PATH = "/"

USER_REFERENCE_PREFIX = "user-"
_USER_REFERENCE_HEX_DIGITS = 32


def login_redirect_uri(port: int) -> str:
    """Where the provider sends the browser back to ``python -m client login`` listening on ``port``."""
    return f"http://{LOOPBACK_REDIRECT_HOST}:{port}{LOGIN_CALLBACK_PATH}"


def web_redirect_uri(port: int) -> str:
    """Where the provider sends the browser back to the chat page served on ``port``."""
    return f"http://{LOOPBACK_REDIRECT_HOST}:{port}{WEB_CALLBACK_PATH}"


def web_signed_out_uri(port: int) -> str:
    """Where the provider's sign-out sends the browser back to the chat page served on ``port``."""
    return f"http://{LOOPBACK_REDIRECT_HOST}:{port}{WEB_SIGNED_OUT_PATH}"


def user_reference(issuer: str, subject: str) -> str:
    """The stable, non-reversible id of the user a verified token names: ``user-`` and 32 hex digits of SHA-256.

    Issuer and subject together name one user (a subject is unique only within its issuer). The result is an actor
    id AgentCore Memory takes, and what the invocation record carries instead of anything that says who the user is.
    """
    digest = hashlib.sha256(json.dumps([issuer, subject]).encode()).hexdigest()
    return USER_REFERENCE_PREFIX + digest[:_USER_REFERENCE_HEX_DIGITS]


def comma_list(value: str | None) -> tuple[str, ...]:
    """The items of a comma-separated setting, stripped, empty ones dropped."""
    return tuple(item.strip() for item in (value or "").split(",") if item.strip())


def joined(items: Iterable[str]) -> str:
    """Items as the comma-separated value ``comma_list`` reads back."""
    return ",".join(items)


def is_loopback_host(host: str | None) -> bool:
    """Whether ``host`` (a name or an address) is this machine's loopback."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def secure_url_problem(url: str, *, loopback_http: bool) -> str | None:
    """Say why ``url`` may not carry tokens or keys, or return None when it may.

    ``https`` may; plain ``http`` only to a loopback host, and only with ``loopback_http`` (a provider on this machine:
    tests, local runs).
    """
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and loopback_http and is_loopback_host(parts.hostname):
        return None
    allowed = "https (or http to localhost or 127.0.0.1)" if loopback_http else "https"
    return f"{url!r} is not an {allowed} URL"


def discovery_url_problem(url: str, *, loopback_http: bool) -> str | None:
    """Say what is wrong with an OpenID Connect discovery URL, or return None when it can be used."""
    if not DISCOVERY_URL_PATTERN.fullmatch(url):
        return f"{url!r} is not a discovery URL: it ends in /.well-known/openid-configuration"
    return secure_url_problem(url, loopback_http=loopback_http)
