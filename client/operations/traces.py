"""The agent's traces, read from CloudWatch Transaction Search: list them, and lay one out as a timeline.

The container runs under the AWS Distro for OpenTelemetry, which sends every span (the HTTP request, Strands'
agent, cycle, model and tool spans, botocore's calls to Bedrock and AgentCore Memory) to X-Ray's OTLP endpoint. With
Transaction Search on, X-Ray stores each span as one JSON event in the ``aws/spans`` log group, and indexes only a
sample of them as trace summaries: X-Ray's ``GetTraceSummaries``/``BatchGetTraces`` do not find the others. So the
spans are read where all of them are: with a CloudWatch Logs Insights query on ``aws/spans``, as the AgentCore
starter toolkit does. The query narrows what CloudWatch returns; ``SpanFilter.matches`` then decides exactly which
spans are this runtime's (AgentCore sets the runtime's ARN as the ``cloud.resource_id`` resource attribute) and of
which session (the ``session.id`` attribute), as ``logs`` does with its filter pattern.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from client.aws import aws_errors
from client.errors import AgentClientError, ConfigurationError

SPANS_LOG_GROUP = "aws/spans"
"""Where Transaction Search keeps every span of the account and Region."""
QUERY_ROWS = 10_000
"""The most rows one Logs Insights query returns."""
QUERY_TIMEOUT_SECONDS = 120.0
POLL_SECONDS = 1.0
SESSION_ATTRIBUTE = "session.id"
RESOURCE_ATTRIBUTE = "cloud.resource_id"
MEMORY_OPERATIONS = frozenset({"CreateEvent", "ListEvents", "GetEvent", "ListSessions", "RetrieveMemoryRecords"})
MODEL_OPERATIONS = frozenset({"ConverseStream", "Converse", "InvokeModel", "InvokeModelWithResponseStream"})
_NANOS_PER_MS = 1_000_000
_SETTLED = frozenset({"Complete", "Failed", "Cancelled", "Timeout", "Unknown"})

wait: Callable[[float], None] = time.sleep
"""How the query is waited for between polls (tests replace it)."""


@dataclass(frozen=True)
class Span:
    """One span as Transaction Search stores it (an OTLP span as JSON)."""

    trace_id: str
    span_id: str
    parent_id: str | None
    name: str
    start_ns: int
    end_ns: int
    attributes: Mapping[str, Any]
    resource: Mapping[str, Any]
    error: bool

    @classmethod
    def from_message(cls, message: str) -> Span | None:
        """The span in an ``aws/spans`` event's message; None for anything that is not one."""
        try:
            value = json.loads(message)
        except ValueError:
            return None
        if not isinstance(value, dict) or not value.get("traceId") or not value.get("spanId"):
            return None
        try:
            start, end = int(value["startTimeUnixNano"]), int(value["endTimeUnixNano"])
        except (KeyError, TypeError, ValueError):
            return None
        return cls(
            trace_id=str(value["traceId"]),
            span_id=str(value["spanId"]),
            parent_id=str(value["parentSpanId"]) if value.get("parentSpanId") else None,
            name=str(value.get("name", "?")),
            start_ns=start,
            end_ns=end,
            attributes=value.get("attributes") if isinstance(value.get("attributes"), dict) else {},
            resource=(value.get("resource") or {}).get("attributes") or {},
            error=(value.get("status") or {}).get("code") == "ERROR",
        )

    @property
    def ms(self) -> float:
        """How long the span took."""
        return (self.end_ns - self.start_ns) / _NANOS_PER_MS

    @property
    def session_id(self) -> str | None:
        """The runtime session the span served, as AgentCore propagates it."""
        session = self.attributes.get(SESSION_ATTRIBUTE)
        return session if isinstance(session, str) else None

    @property
    def kind(self) -> str:
        """``model``, ``tool``, ``memory``, ``agent`` or ``other``: what the timeline calls the span."""
        operation = self.attributes.get("gen_ai.operation.name")
        method = self.attributes.get("rpc.method")
        if operation == "chat" or method in MODEL_OPERATIONS:
            return "model"
        if operation == "execute_tool":
            return "tool"
        if method in MEMORY_OPERATIONS:
            return "memory"
        if operation in ("invoke_agent", "execute_event_loop_cycle"):
            return "agent"
        return "other"


@dataclass(frozen=True)
class SpanFilter:
    """This runtime's spans, of one session or all; ``query`` narrows, ``matches`` decides."""

    runtime_id: str
    session_id: str | None = None
    trace_id: str | None = None

    @property
    def query(self) -> str:
        """The Logs Insights query: each span's message, oldest first."""
        conditions = [f"resource.attributes.{RESOURCE_ATTRIBUTE} like {_quoted(self.runtime_id)}"]
        if self.session_id:
            conditions.append(f"attributes.{SESSION_ATTRIBUTE} = {_quoted(self.session_id)}")
        if self.trace_id:
            conditions.append(f"traceId = {_quoted(self.trace_id)}")
        return (
            f"fields @timestamp, @message | filter {' and '.join(conditions)} "
            f"| sort @timestamp asc | limit {QUERY_ROWS}"
        )

    def matches(self, span: Span) -> bool:
        """Whether ``span`` is one of this runtime's (and of the session, and of the trace, when they are set)."""
        resource = span.resource.get(RESOURCE_ATTRIBUTE)
        if not isinstance(resource, str) or f"runtime/{self.runtime_id}" not in resource:
            return False
        if self.session_id and span.session_id != self.session_id:
            return False
        return not self.trace_id or span.trace_id == self.trace_id


@dataclass(frozen=True)
class Trace:
    """One trace's spans: one request to the agent, from its arrival to its answer's end."""

    trace_id: str
    spans: tuple[Span, ...]

    @property
    def start_ns(self) -> int:
        """When its first span started."""
        return min(span.start_ns for span in self.spans)

    @property
    def ms(self) -> float:
        """From its first span's start to its last span's end."""
        return (max(span.end_ns for span in self.spans) - self.start_ns) / _NANOS_PER_MS

    @property
    def session_id(self) -> str | None:
        """The session its spans name, if any does."""
        return next((span.session_id for span in self.spans if span.session_id), None)

    @property
    def errors(self) -> int:
        """Spans that ended in error."""
        return sum(span.error for span in self.spans)

    def line(self) -> str:
        """``TIME  TRACE ID  DURATION  SPANS  SESSION  [errors]``, one line, for a terminal."""
        started = datetime.fromtimestamp(self.start_ns / 1e9, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")
        spans = f"{len(self.spans):>4} spans"
        text = f"{started}  {self.trace_id}  {self.ms / 1000:7.2f}s  {spans}  {self.session_id or '-'}"
        return f"{text}  {self.errors} error{'' if self.errors == 1 else 's'}" if self.errors else text

    def timeline(self) -> list[str]:
        """The spans as an indented tree, children under their parent in the order they started.

        Each line: the start from the trace's start, the duration, what kind of span, its name; a span whose parent
        is not among the trace's spans (a parent in another service) is a root.
        """
        ids = {span.span_id for span in self.spans}
        children: dict[str | None, list[Span]] = {}
        for span in sorted(self.spans, key=lambda span: (span.start_ns, span.span_id)):
            children.setdefault(span.parent_id if span.parent_id in ids else None, []).append(span)
        lines = [f"trace {self.trace_id}  {self.ms:.0f} ms  session {self.session_id or '-'}"]

        def walk(parent: str | None, depth: int) -> None:
            for span in children.get(parent, []):
                offset = (span.start_ns - self.start_ns) / _NANOS_PER_MS
                mark = "  ERROR" if span.error else ""
                lines.append(f"{offset:>8.0f} ms {span.ms:>8.0f} ms  {'  ' * depth}{span.kind:<6} {span.name}{mark}")
                walk(span.span_id, depth + 1)

        walk(None, 0)
        return lines


class SpansMissing(ConfigurationError):
    """``aws/spans`` does not exist: Transaction Search is off in this account and Region."""

    def __init__(self) -> None:
        super().__init__(
            f"no traces: log group {SPANS_LOG_GROUP} does not exist, so CloudWatch Transaction Search is off in this "
            "account and Region; turn it on (docs/observability.md#traces), then invoke the agent again"
        )


def read_spans(logs: Any, selection: SpanFilter, *, start_ms: int, end_ms: int) -> tuple[list[Span], bool]:
    """The spans ``selection`` keeps from ``start_ms`` to ``end_ms``, and whether the query's row limit cut them.

    Raises:
        SpansMissing: Transaction Search is off (no ``aws/spans``).
        AgentClientError: the query failed, or did not finish in ``QUERY_TIMEOUT_SECONDS``.
    """
    with aws_errors():
        try:
            query_id = logs.start_query(
                logGroupName=SPANS_LOG_GROUP,
                startTime=start_ms // 1000,
                endTime=-(-end_ms // 1000),
                queryString=selection.query,
                limit=QUERY_ROWS,
            )["queryId"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                raise SpansMissing from None
            raise
        deadline = time.monotonic() + QUERY_TIMEOUT_SECONDS
        while True:
            answer = logs.get_query_results(queryId=query_id)
            if answer["status"] in _SETTLED:
                break
            if time.monotonic() > deadline:
                _stop(logs, query_id)
                raise AgentClientError(f"the Logs Insights query on {SPANS_LOG_GROUP} did not finish in time")
            wait(POLL_SECONDS)
    if answer["status"] != "Complete":
        raise AgentClientError(f"the Logs Insights query on {SPANS_LOG_GROUP} ended {answer['status']}")
    rows = answer.get("results", [])
    spans = [span for row in rows if (span := _span_of(row)) is not None and selection.matches(span)]
    return spans, len(rows) >= QUERY_ROWS


def traces_of(spans: Iterable[Span]) -> list[Trace]:
    """The spans grouped by trace, oldest trace first."""
    grouped: dict[str, list[Span]] = {}
    for span in spans:
        grouped.setdefault(span.trace_id, []).append(span)
    traces = [Trace(trace_id, tuple(members)) for trace_id, members in grouped.items()]
    return sorted(traces, key=lambda trace: (trace.start_ns, trace.trace_id))


def slowest(traces: Iterable[Trace], count: int) -> list[Trace]:
    """The ``count`` longest traces, longest first."""
    return sorted(traces, key=lambda trace: trace.ms, reverse=True)[:count]


def _stop(logs: Any, query_id: str) -> None:
    """Stop a query no one waits for any more; one that cannot be stopped (no ``logs:StopQuery``) ends by itself."""
    with contextlib.suppress(ClientError):
        logs.stop_query(queryId=query_id)


def _span_of(row: list[dict[str, str]]) -> Span | None:
    message = next((field["value"] for field in row if field.get("field") == "@message"), None)
    return Span.from_message(message) if message else None


def _quoted(value: str) -> str:
    """A Logs Insights string literal: ids are checked for control characters already; quotes are escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
