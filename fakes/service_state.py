"""What the stateful fakes of AWS services share: where they are, their error answers, their pages, how time passes.

Time passes for a resource each time it is polled: a change settles after ``SETTLE_POLLS`` reads of it, so a test
drives the same waits a handler or a command would meet, without sleeping.
"""

from __future__ import annotations

import datetime
from typing import Any, Protocol

ACCOUNT = "123456789012"
REGION = "us-east-1"
"""The one account and Region every fake resource lives in, so that ARNs and policies agree."""

PAGE_SIZE = 2
"""Small pages, so that every list is read through its nextToken."""
SETTLE_POLLS = 2
"""Reads of a resource before a change settles (CREATING → READY, DELETING → gone)."""
NEVER = "NEVER"
"""How a change settles that never does: the resource stays CREATING or UPDATING until the test lets it settle."""
NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
"""When every fake resource was created."""


class ServiceError(Exception):
    """An error answer: the code and HTTP status the real service would send."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def page(items: list[dict[str, Any]], key: str, params: dict[str, Any]) -> dict[str, Any]:
    """The page of ``items`` the request's ``nextToken`` asks for, with the token of the next one."""
    start = int(params.get("nextToken") or 0)
    end = start + PAGE_SIZE
    answer: dict[str, Any] = {key: items[start:end]}
    if end < len(items):
        answer["nextToken"] = str(end)
    return answer


def version_time(version: int) -> datetime.datetime:
    """When version ``version`` of a runtime was made: an hour after the one before it."""
    return NOW + datetime.timedelta(hours=version - 1)


def runtime_arn(runtime_id: str) -> str:
    """The ARN a runtime is named by: in the service's answers, and in the policies that authorize calls on it."""
    return f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:runtime/{runtime_id}"


class Settling(Protocol):
    """A resource whose change settles as its polls run out: a runtime or an endpoint."""

    settles_as: str
    failure_reason: str | None


def settle_next_change(resource: Settling, outcomes: list[tuple[str, str]]) -> None:
    """Decide how ``resource``'s change will settle: as the next outcome a test queued, or READY when none is."""
    if outcomes:
        resource.settles_as, resource.failure_reason = outcomes.pop(0)
    else:
        resource.settles_as = "READY"
