"""Failures that say the agent's machine cannot call AWS at all: no credentials, credentials refused, no Region.

They are not the model's doing, and no retry helps: every prompt fails the same way until the process running the
agent is given credentials (or a Region) and restarted, which is what a local run without ``aws configure`` meets
first. Told apart from the model's own failures, they are answered with the fix instead of a traceback.
"""

from __future__ import annotations

from botocore.exceptions import (
    ClientError,
    CredentialRetrievalError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    SSOError,
    TokenRetrievalError,
)

_CREDENTIALS_FIX = (
    "Fix: give the process running the agent AWS credentials (locally: aws configure, or aws sso login --profile "
    "NAME && export AWS_PROFILE=NAME), then restart it"
)
NO_CREDENTIALS = (
    f"the agent found no AWS credentials, so it could not call its model; nothing was answered. {_CREDENTIALS_FIX}"
)
REFUSED_CREDENTIALS = (
    "AWS refused the agent's credentials ({reason}), so it could not call its model; nothing was answered. "
    "Fix: renew them (aws sso login, or aws configure), then restart the agent"
)
NO_REGION = (
    "the agent has no AWS Region to call its model in; nothing was answered. Fix: export AWS_REGION=us-east-1 (or the "
    "Region of your model) where the agent runs, then restart it"
)

_REFUSED_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "UnrecognizedClientException",
    }
)
"""The codes AWS answers with for credentials it does not accept (expired, unknown, or signed with the wrong key)."""


def setup_problem(error: BaseException) -> str | None:
    """What to tell the caller when ``error`` (or an error it was raised from) means AWS cannot be called from here."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        problem = _problem(current)
        if problem:
            return problem
        current = current.__cause__ or current.__context__
    return None


def _problem(error: BaseException) -> str | None:
    if isinstance(error, (NoCredentialsError, PartialCredentialsError)):
        return NO_CREDENTIALS
    if isinstance(error, NoRegionError):
        return NO_REGION
    if isinstance(error, (CredentialRetrievalError, TokenRetrievalError, SSOError)):
        return REFUSED_CREDENTIALS.format(reason=error)
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        if code in _REFUSED_CODES:
            return REFUSED_CREDENTIALS.format(reason=code)
    return None
