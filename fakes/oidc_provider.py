"""A local OpenID Connect provider, standing in for Cognito (or Okta, Entra ID, Auth0...) over real HTTP.

Served on 127.0.0.1 with ``fakes.live_server.serve``, it plays a provider's part for real: RS256 keys generated when
it starts (``cryptography``), a discovery document, a JWKS, the authorization endpoint (a sign-in form; the code flow
with PKCE S256 only, redirect URIs matched exactly, as Cognito matches them), the token endpoint (``authorization_code``
with the verifier checked, ``refresh_token``), token revocation, and RP-initiated sign-out. Tokens look like
Cognito's: an access token with ``client_id``, ``scope``, ``token_use: access`` and no ``aud`` (unless the provider is
given an API audience, as Okta and Auth0 add one), and an ID token with ``aud`` = the client.

For the tests' own tokens, hostile ones included, ``sign`` signs any claims with any header and key, and
``access_token`` makes a valid token to start from. ``rotate_keys`` starts signing with a new key (new ``kid``);
``available = False`` makes the discovery document and the JWKS answer 503, as a provider outage would.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

ACCESS_TOKEN_SECONDS = 3600


def new_rsa_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit RSA key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def s256(verifier: str) -> str:
    """PKCE's S256 challenge of a verifier (RFC 7636): base64url of its SHA-256, unpadded."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    """One of the provider's keys: its id and its private half."""

    kid: str
    private: rsa.RSAPrivateKey

    def jwk(self) -> dict[str, Any]:
        """The public half as the JWKS lists it."""
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "alg": "RS256", "use": "sig"}


@dataclass(frozen=True)
class User:
    """A user of the provider."""

    username: str
    password: str
    subject: str
    email: str


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    user: User
    scope: str
    nonce: str | None


@dataclass
class OidcProvider:
    """The provider's state: users, registered clients (client id → redirect URIs), keys, codes, refresh tokens.

    ``url`` is set once it is served (``with serve(provider.app) as provider.url``): it is the issuer.
    """

    clients: dict[str, set[str]] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    access_audience: str | None = None
    """The ``aud`` of access tokens, for providers that add one (Okta, Auth0); None, as Cognito."""
    access_token_seconds: int = ACCESS_TOKEN_SECONDS
    available: bool = True
    url: str = ""
    keys: list[SigningKey] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=lambda: {"discovery": 0, "jwks": 0, "token": 0, "revoke": 0})
    refresh_tokens: dict[str, tuple[str, User]] = field(default_factory=dict)
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _kids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        if not self.keys:
            self.rotate_keys()

    # ---- set-up -------------------------------------------------------------------------------------------------

    def add_user(self, username: str, password: str = "Correct-horse-1") -> User:  # noqa: S107 - a test user's
        """A user who can sign in; the subject is a fresh UUID-like id, as Cognito's ``sub``."""
        user = User(username, password, f"sub-{secrets.token_hex(8)}", f"{username}@example.com")
        self.users[username] = user
        return user

    def register(self, client_id: str, *redirect_uris: str) -> None:
        """An app client, and the redirect URIs it may ask for (exactly)."""
        self.clients.setdefault(client_id, set()).update(redirect_uris)

    def rotate_keys(self) -> SigningKey:
        """Sign with a new key from now on; the old ones stay in the JWKS, as providers keep them for a while."""
        key = SigningKey(f"key-{next(self._kids)}", new_rsa_key())
        self.keys.append(key)
        return key

    @property
    def signing_key(self) -> SigningKey:
        """The key new tokens are signed with."""
        return self.keys[-1]

    @property
    def discovery_url(self) -> str:
        """The discovery URL, as the stack's ``jwtDiscoveryUrl`` names it."""
        return f"{self.url}/.well-known/openid-configuration"

    # ---- tokens -------------------------------------------------------------------------------------------------

    def sign(self, claims: dict[str, Any], *, key: rsa.RSAPrivateKey | None = None, **header: Any) -> str:
        """``claims`` signed with RS256 by ``key`` (default: the signing key), with the signing key's ``kid``."""
        headers = {"kid": self.signing_key.kid, **header}
        return jwt.encode(claims, key or self.signing_key.private, algorithm="RS256", headers=headers)

    def access_claims(self, user: User, client_id: str, scope: str = "openid") -> dict[str, Any]:
        """What a Cognito access token says: no ``aud`` unless the provider adds an API audience."""
        claims = self._claims(user, "access", client_id=client_id, scope=scope, username=user.username)
        claims["jti"] = secrets.token_hex(8)
        if self.access_audience:
            claims["aud"] = self.access_audience
        return claims

    def access_token(self, user: User, client_id: str, **changes: Any) -> str:
        """A valid access token, with any claim changed (or removed, with None)."""
        claims = {**self.access_claims(user, client_id), **changes}
        return self.sign({name: value for name, value in claims.items() if value is not None})

    def id_token(self, user: User, client_id: str, nonce: str | None = None) -> str:
        """An ID token: ``aud`` is the client."""
        claims = self._claims(user, "id", aud=client_id, email=user.email)
        claims["cognito:username"] = user.username
        return self.sign({**claims, **({"nonce": nonce} if nonce else {})})

    def _claims(self, user: User, use: str, **specific: Any) -> dict[str, Any]:
        """What every token of the provider says: whose, by whom, which kind (Cognito's ``token_use``), until when."""
        now = int(time.time())
        times = {"auth_time": now, "iat": now, "exp": now + self.access_token_seconds}
        return {"sub": user.subject, "iss": self.url, "token_use": use, **specific, **times}

    # ---- a user at the sign-in form -------------------------------------------------------------------------------

    def sign_in(self, http: httpx.Client, authorization_url: str, user: User) -> str:
        """What a browser does between a client's authorization URL and its redirect: the form, filled in, sent.

        Returns:
            Where the provider sends the browser back: the redirect URI with the code and state, or an error.
        """
        form = http.get(authorization_url)
        assert form.status_code == 200, form.text
        fields = dict(re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.text))
        fields = {html.unescape(name): html.unescape(value) for name, value in fields.items()}
        answer = http.post(
            f"{self.url}/authorize", data={**fields, "username": user.username, "password": user.password}
        )
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]

    # ---- the endpoints ------------------------------------------------------------------------------------------

    @property
    def app(self) -> Starlette:
        """The ASGI app to serve."""
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery),
                Route("/jwks", self._jwks),
                Route("/authorize", self._authorize, methods=["GET", "POST"]),
                Route("/token", self._token, methods=["POST"]),
                Route("/revoke", self._revoke, methods=["POST"]),
                Route("/logout", self._logout),
            ]
        )

    async def _discovery(self, request: Request) -> Response:
        return self._count("discovery") or JSONResponse(
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "jwks_uri": f"{self.url}/jwks",
                "revocation_endpoint": f"{self.url}/revoke",
                "end_session_endpoint": f"{self.url}/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "email", "profile"],
            }
        )

    async def _jwks(self, request: Request) -> Response:
        return self._count("jwks") or JSONResponse({"keys": [key.jwk() for key in self.keys]})

    def _count(self, endpoint: str) -> Response | None:
        """Count a request of ``endpoint``; its answer while the provider is down, else None."""
        self.requests[endpoint] += 1
        return None if self.available else JSONResponse({"message": "provider unavailable"}, status_code=503)

    async def _authorize(self, request: Request) -> Response:
        fields = dict(request.query_params) if request.method == "GET" else dict(await request.form())
        client_id, redirect_uri = fields.get("client_id", ""), fields.get("redirect_uri", "")
        if redirect_uri not in self.clients.get(client_id, set()):
            # Never redirect to a URI the client did not register: the error is shown here.
            return HTMLResponse(f"<p>redirect_mismatch: {html.escape(redirect_uri)}</p>", status_code=400)
        if fields.get("response_type") != "code" or fields.get("code_challenge_method") != "S256":
            return _redirect(redirect_uri, error="invalid_request", state=fields.get("state"))
        if not fields.get("code_challenge"):
            return _redirect(redirect_uri, error="invalid_request", state=fields.get("state"))
        if request.method == "GET":
            return HTMLResponse(_sign_in_form(fields))
        user = self.users.get(str(fields.get("username", "")))
        if user is None or not secrets.compare_digest(user.password, str(fields.get("password", ""))):
            return HTMLResponse(_sign_in_form(fields, error="Incorrect username or password."), status_code=200)
        code = secrets.token_urlsafe(24)
        self._codes[code] = _Grant(
            client_id,
            redirect_uri,
            str(fields["code_challenge"]),
            user,
            str(fields.get("scope", "openid")),
            fields.get("nonce") or None,
        )
        return _redirect(redirect_uri, code=code, state=fields.get("state"))

    async def _token(self, request: Request) -> Response:
        self.requests["token"] += 1
        form = await request.form()
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            grant = self._codes.pop(str(form.get("code", "")), None)  # single use, whatever happens next
            if grant is None or grant.client_id != form.get("client_id"):
                return _token_error("invalid_grant", "unknown or used code")
            if grant.redirect_uri != form.get("redirect_uri"):
                return _token_error("invalid_grant", "redirect_uri differs from the authorization request's")
            if not secrets.compare_digest(s256(str(form.get("code_verifier", ""))), grant.challenge):
                return _token_error("invalid_grant", "code_verifier does not match the code_challenge")
            refresh = secrets.token_urlsafe(32)
            self.refresh_tokens[refresh] = (grant.client_id, grant.user)
            return self._tokens(grant.user, grant.client_id, grant.scope, grant.nonce, refresh)
        if grant_type == "refresh_token":
            held = self.refresh_tokens.get(str(form.get("refresh_token", "")))
            if held is None or held[0] != form.get("client_id"):
                return _token_error("invalid_grant", "refresh token unknown or revoked")
            return self._tokens(held[1], held[0], "openid", None, None)
        return _token_error("unsupported_grant_type", f"grant_type {grant_type!r}")

    def _tokens(self, user: User, client_id: str, scope: str, nonce: str | None, refresh: str | None) -> Response:
        body = {
            "access_token": self.sign(self.access_claims(user, client_id, scope)),
            "id_token": self.id_token(user, client_id, nonce),
            "token_type": "Bearer",
            "expires_in": self.access_token_seconds,
        }
        if refresh:
            body["refresh_token"] = refresh
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def _revoke(self, request: Request) -> Response:
        self.requests["revoke"] += 1
        form = await request.form()
        held = self.refresh_tokens.get(str(form.get("token", "")))
        if held is not None and held[0] == form.get("client_id"):
            del self.refresh_tokens[str(form.get("token"))]
        return Response(status_code=200)

    async def _logout(self, request: Request) -> Response:
        target = request.query_params.get("post_logout_redirect_uri", "")
        known = any(target in uris for uris in self.clients.values())
        return RedirectResponse(target, status_code=302) if known else HTMLResponse("<p>signed out</p>")


def _redirect(uri: str, **parameters: str | None) -> Response:
    query = urlencode({name: value for name, value in parameters.items() if value is not None})
    return RedirectResponse(f"{uri}?{query}", status_code=302)


def _token_error(code: str, description: str) -> Response:
    return JSONResponse({"error": code, "error_description": description}, status_code=400)


def _sign_in_form(fields: dict[str, Any], error: str = "") -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(str(value))}">'
        for name, value in fields.items()
        if name not in ("username", "password")
    )
    message = f'<p id="error">{html.escape(error)}</p>' if error else ""
    return (
        "<!doctype html><title>Sign in</title>"
        f'<form method="post" action="/authorize">{message}{hidden}'
        '<input id="username" name="username"><input id="password" name="password" type="password">'
        '<button id="sign-in" type="submit">Sign in</button></form>'
    )
