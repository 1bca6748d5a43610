"""What an AWS error means for the handler: ask again later, wait for the runtime to settle, or give up now.

botocore has already retried throttling and transient faults by the time the handler sees an error; these tell the
handler what to do when those retries ran out.
"""

from __future__ import annotations

import re

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

AWS_ERRORS = (ClientError, BotoCoreError)
"""Whatever a botocore call raises: an error answer, or no answer at all."""

NOT_FOUND = "ResourceNotFoundException"
ACCESS_DENIED = "AccessDeniedException"
THROTTLED = frozenset({"ThrottlingException", "ThrottledException", "TooManyRequestsException"})
BUSY = frozenset({"ConflictException", "ConcurrentModificationException", "RetryableConflictException"})
"""A runtime still CREATING or UPDATING refuses a delete or an update with one of these."""

_ROLE_NOT_READY = re.compile(r"role validation failed|cannot be assumed", re.IGNORECASE)
"""The messages AgentCore gives while a new execution role is not assumable yet (those the starter toolkit retries)."""

NO_ANSWER = (BotocoreConnectionError, HTTPClientError)
"""The request may or may not have reached the service: timeouts, closed connections."""


def code(error: Exception) -> str:
    """The service's error code; empty for an error that carries none."""
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code", "")
    return ""


def is_not_found(error: Exception) -> bool:
    """The resource does not exist (any more)."""
    return code(error) == NOT_FOUND


def is_access_denied(error: Exception) -> bool:
    """IAM refused the call: the handler's policy does not cover this resource (or no longer, after a rename)."""
    return code(error) == ACCESS_DENIED


def is_busy(error: Exception) -> bool:
    """The runtime is in the middle of another change; the same request succeeds once it settles."""
    return code(error) in BUSY


def is_unconfirmed(error: Exception) -> bool:
    """No answer, or a server fault: the service may have carried the request out anyway."""
    if isinstance(error, NO_ANSWER):
        return True
    return isinstance(error, ClientError) and error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500


def is_transient(error: Exception) -> bool:
    """Asking again later can succeed: throttling, a server fault, or no answer at all.

    Also what a create may have been carried out behind: botocore retries all three with the same ``clientToken``,
    and the error the handler sees is the last attempt's, whose first attempt may have taken effect, answer lost.
    """
    return code(error) in THROTTLED or is_unconfirmed(error)


def is_role_not_ready(error: Exception) -> bool:
    """The execution role exists but AgentCore cannot assume it yet: IAM is eventually consistent."""
    return code(error) == "ValidationException" and bool(_ROLE_NOT_READY.search(str(error)))
