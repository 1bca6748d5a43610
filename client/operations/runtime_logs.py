"""The runtime's CloudWatch Logs: read a time range, or follow new events, filtered by session or to failures.

``--follow`` polls ``FilterLogEvents`` instead of opening a ``StartLiveTail`` session. Polling needs one action
(``logs:FilterLogEvents``, which reading a time range needs anyway), shows events as they are ingested a couple of
seconds late at worst, has no session-length or concurrent-session quota and no per-minute charge, and works
unchanged against any endpoint given by ``AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`` (a local stand-in, moto). Live Tail is
an HTTP/2 event stream that boto3 supports but stand-ins mostly do not. ``aws logs tail --follow`` polls too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from botocore.exceptions import ClientError

from client.aws import aws_errors
from client.errors import ConfigurationError, ThrottledError
from client.operations.records import LogEvent
from contract.deployment import CLI_COMMAND
from contract.record import INVOCATION_RECORD, RECORD_KEY, Outcome

DEFAULT_SINCE = "1h"
POLL_SECONDS = 2.0
"""Pause between two polls while following."""
MAX_POLL_SECONDS = 30.0
"""Longest pause after repeated throttling: each throttled poll doubles the pause up to this."""
LATE_EVENTS_MS = 30_000
"""Events can be ingested after newer ones; each poll looks this far back and skips the events it has shown."""
_OTEL_STREAM = "otel-rt-logs"
"""AgentCore's stream of OpenTelemetry log records: copies of what the agent logged, wrapped in OTLP JSON."""
_SINCE = re.compile(r"(?P<amount>\d+)(?P<unit>[smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}

wait: Callable[[float], None] = time.sleep
"""How following pauses between polls (tests replace it to play the clock)."""


def parse_since(text: str) -> timedelta:
    """``30s``, ``10m``, ``2h``, ``1d`` as a duration; anything else is a ``ConfigurationError`` showing the form."""
    match = _SINCE.fullmatch(text.strip())
    if match is None or int(match.group("amount")) == 0:
        raise ConfigurationError(f"{text!r} is not a duration; use a whole number and a unit, like 30s, 10m, 2h or 1d")
    return timedelta(**{_UNITS[match.group("unit")]: int(match.group("amount"))})


@dataclass(frozen=True)
class LogFilter:
    """Which events to show: one session's, only failures, or both (all when neither is set).

    CloudWatch filters first with ``pattern`` (less to transfer), then ``matches`` decides exactly: a filter
    pattern cannot say "this record's session" or "a record whose outcome is not completed, or an ERROR line".
    """

    session_id: str | None = None
    errors_only: bool = False
    records_only: bool = False

    @property
    def pattern(self) -> str:
        """The ``filterPattern`` for ``FilterLogEvents``: a quoted term, alternatives (``?``) or a JSON test."""
        if self.session_id:
            return f'"{self.session_id}"'
        if self.errors_only:
            failures = [outcome.value for outcome in Outcome if outcome != Outcome.COMPLETED]
            # memory_error: the key a record carries only when its memory write failed.
            return " ".join(f'?"{term}"' for term in ["ERROR", "CRITICAL", "Traceback", *failures, "memory_error"])
        if self.records_only:
            return f'{{ $.{RECORD_KEY} = "{INVOCATION_RECORD}" }}'
        return ""

    def matches(self, event: LogEvent) -> bool:
        """Whether ``event`` is one to show."""
        if event.stream == _OTEL_STREAM:
            return False
        if self.records_only and event.record is None:
            return False
        if self.session_id and not event.mentions_session(self.session_id):
            return False
        return not self.errors_only or event.is_failure


def read_events(
    logs: Any, group: str, *, start_ms: int, end_ms: int | None = None, selection: LogFilter | None = None
) -> Iterator[LogEvent]:
    """The events of ``group`` from ``start_ms`` (to ``end_ms``), oldest first, that ``selection`` keeps.

    A group that does not exist yet raises ``LogGroupMissing``: AgentCore creates it on the first invocation.
    """
    selection = selection or LogFilter()
    request: dict[str, Any] = {"logGroupName": group, "startTime": start_ms}
    if end_ms is not None:
        request["endTime"] = end_ms
    if selection.pattern:
        request["filterPattern"] = selection.pattern
    events: list[LogEvent] = []
    with aws_errors():
        try:
            for page in logs.get_paginator("filter_log_events").paginate(**request):
                events.extend(LogEvent.from_cloudwatch(event) for event in page.get("events", []))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                raise LogGroupMissing(group) from None
            raise
    # Pages are ordered per log stream; a reader wants one timeline.
    events.sort(key=lambda event: (event.timestamp, event.event_id))
    return (event for event in events if selection.matches(event))


def follow_events(
    logs: Any,
    group: str,
    *,
    start_ms: int,
    selection: LogFilter | None = None,
    interval: float = POLL_SECONDS,
    now_ms: Callable[[], int] | None = None,
    notice: Callable[[str], None] | None = None,
) -> Iterator[LogEvent]:
    """Events from ``start_ms`` on, then every new one as it is ingested, until the caller stops iterating.

    A throttled poll is not an error here: the next poll waits twice as long (up to ``MAX_POLL_SECONDS``). A log
    group that does not exist yet is waited for, since the first invocation creates it; ``notice`` hears once
    that it is missing.
    """
    clock = now_ms or current_ms
    shown: dict[str, int] = {}  # event id -> timestamp, for the events inside the look-back window
    cursor = start_ms
    pause = interval
    told_missing = False
    while True:
        try:
            polled = list(read_events(logs, group, start_ms=cursor, selection=selection))
        except ThrottledError:
            pause = min(pause * 2, MAX_POLL_SECONDS)
        except LogGroupMissing as missing:
            pause = interval
            if notice is not None and not told_missing:
                notice(f"{missing.group} does not exist yet; waiting for the runtime's first invocation")
                told_missing = True
        else:
            pause = interval
            for event in polled:
                key = event.event_id or f"{event.stream}/{event.timestamp}/{event.message}"
                if key not in shown:
                    shown[key] = event.timestamp
                    yield event
            cursor = max(start_ms, clock() - LATE_EVENTS_MS)
            for key, timestamp in list(shown.items()):
                if timestamp < cursor:
                    del shown[key]
        wait(pause)


def current_ms() -> int:
    """Now, in milliseconds since the epoch, as CloudWatch Logs counts time."""
    return int(time.time() * 1000)


class LogGroupMissing(ConfigurationError):
    """The runtime's log group does not exist: nothing has invoked the runtime yet (or its logs were deleted)."""

    def __init__(self, group: str) -> None:
        super().__init__(
            f"no logs yet: log group {group} does not exist, so the runtime has never been invoked (or its logs "
            f'were deleted); invoke it with `{CLI_COMMAND} invoke "Hello"`, then try again'
        )
        self.group = group
