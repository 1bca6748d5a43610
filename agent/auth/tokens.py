"""One bearer token checked the way AgentCore's authorizer checks it, and what it proves: a ``VerifiedUser``.

What is checked, and why each matters:

- the algorithm, from an allowlist of public-key algorithms: never ``none`` (no signature at all), never HMAC (a
  token "signed" with the provider's public key as an HMAC secret would verify against that same public key);
- the signature, with the issuer's key of the token's ``kid``, whose own ``alg`` (when it names one) must agree;
- ``iss``, equal to the discovery document's issuer: another provider's tokens, or another user pool's, are not ours;
- ``exp`` and ``nbf`` (and ``iat``), with ``LEEWAY_SECONDS`` for clocks that differ a little; ``exp`` and ``sub`` must
  be there at all;
- the app client: ``client_id`` (what Cognito's access tokens carry) must be one of the allowed clients when they
  are set, and ``aud`` must name one of the allowed audiences when they are set, as AgentCore's ``allowedClients``
  and ``allowedAudience`` do. A valid token of another application is refused with 403, every other failure with
  401.
"""

from __future__ import annotations

from typing import Any

import jwt

from agent.auth.issuer import Issuer
from agent.auth.user import VerifiedUser
from agent.settings import AuthSettings

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
"""Public-key signature algorithms a token may be signed with."""
LEEWAY_SECONDS = 30
"""Clock difference tolerated on ``exp``, ``nbf`` and ``iat``."""
REQUIRED_CLAIMS = ("exp", "iss", "sub")


class TokenRefused(Exception):
    """The token does not admit the request: ``status`` 401 (not a valid token) or 403 (a valid token, not ours).

    Attributes:
        user: who the token names, when it was valid but is refused all the same (403).
    """

    def __init__(self, message: str, status: int = 401, user: VerifiedUser | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.user = user


class TokenVerifier:
    """Checks tokens against one issuer and the deployment's allowed clients and audiences.

    Args:
        settings: the discovery URL and the allowed clients and audiences.
        issuer: the issuer's discovery document and keys (default: fetched from ``settings.discovery_url``).
    """

    def __init__(self, settings: AuthSettings, issuer: Issuer | None = None) -> None:
        self.settings = settings
        self.issuer = issuer or Issuer(settings.discovery_url)

    async def verify(self, token: str) -> VerifiedUser:
        """The user ``token`` names, once every check has passed.

        Raises:
            TokenRefused: a check failed; its message says which.
            IssuerUnavailable: the issuer's discovery document or keys could not be fetched.
        """
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise TokenRefused(f"the bearer token is not a JWT ({error})") from None
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise TokenRefused(
                f"the bearer token is signed with {algorithm!r}; only {', '.join(ALGORITHMS)} are accepted"
            )
        key = await self._key(header.get("kid"), algorithm)
        claims = self._claims(token, key, algorithm, await self.issuer.issuer())
        user = VerifiedUser(claims["iss"], claims["sub"])
        problem = self._not_allowed(claims)
        if problem:
            raise TokenRefused(problem, status=403, user=user)
        return user

    async def _key(self, key_id: Any, algorithm: str) -> jwt.PyJWK:
        jwk = await self.issuer.key(key_id if isinstance(key_id, str) else None)
        if jwk is None:
            raise TokenRefused(f"the bearer token is signed with a key ({key_id!r}) its issuer does not publish")
        if jwk.get("use", "sig") != "sig" or jwk.get("alg", algorithm) != algorithm:
            raise TokenRefused(f"the issuer's key {key_id!r} is not for {algorithm} signatures")
        try:
            return jwt.PyJWK(jwk, algorithm=algorithm)
        except jwt.PyJWKError as error:
            raise TokenRefused(f"the issuer's key {key_id!r} cannot check a {algorithm} signature ({error})") from None

    @staticmethod
    def _claims(token: str, key: jwt.PyJWK, algorithm: str, issuer: str) -> dict[str, Any]:
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                issuer=issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": list(REQUIRED_CLAIMS), "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise TokenRefused("the bearer token has expired") from None
        except jwt.ImmatureSignatureError:
            raise TokenRefused("the bearer token is not valid yet (nbf or iat is in the future)") from None
        except jwt.InvalidIssuerError:
            raise TokenRefused(f"the bearer token was not issued by {issuer}") from None
        except jwt.InvalidSignatureError:
            raise TokenRefused("the bearer token's signature does not verify") from None
        except jwt.InvalidTokenError as error:
            raise TokenRefused(f"the bearer token is not valid ({error})") from None
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise TokenRefused("the bearer token names no subject (sub)")
        return claims

    def _not_allowed(self, claims: dict[str, Any]) -> str | None:
        clients, audiences = self.settings.allowed_clients, self.settings.allowed_audiences
        if clients and claims.get("client_id") not in clients:
            return f"the bearer token is for client {claims.get('client_id')!r}, which may not invoke this agent"
        audience = claims.get("aud")
        named = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
        if audiences and not set(audiences).intersection(item for item in named if isinstance(item, str)):
            return f"the bearer token is for audience {audience!r}, which may not invoke this agent"
        return None
