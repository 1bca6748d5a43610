"""Spans as CloudWatch Transaction Search stores them in ``aws/spans`` (one OTLP span as JSON per event), in moto.

The shapes follow what the AWS Distro for OpenTelemetry sends for this agent: Strands' ``invoke_agent``,
``execute_event_loop_cycle``, ``chat`` and ``execute_tool`` spans (``gen_ai.operation.name``), botocore's spans of
its calls (``rpc.method``), AgentCore's ``session.id`` attribute and the runtime's ARN as ``cloud.resource_id``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from client.operations.traces import SPANS_LOG_GROUP
from fakes.dataplane import RUNTIME_ARN

_MS = 1_000_000


def span(
    trace_id: str,
    span_id: str,
    name: str,
    *,
    start_ms: float,
    ms: float,
    parent: str | None = None,
    session: str | None = None,
    runtime_arn: str = RUNTIME_ARN,
    error: bool = False,
    **attributes: str,
) -> dict[str, Any]:
    """One span document; ``start_ms`` is milliseconds since the epoch, ``attributes`` the span's own."""
    start = int(start_ms * _MS)
    return {
        "resource": {
            "attributes": {
                "service.name": "streaming_agent.DEFAULT",
                "cloud.resource_id": f"{runtime_arn}/runtime-endpoint/DEFAULT",
            }
        },
        "scope": {"name": "strands.telemetry.tracer"},
        "traceId": trace_id,
        "spanId": span_id,
        **({"parentSpanId": parent} if parent else {}),
        "name": name,
        "kind": "INTERNAL",
        "startTimeUnixNano": start,
        "endTimeUnixNano": start + int(ms * _MS),
        "durationNano": int(ms * _MS),
        "attributes": {**({"session.id": session} if session else {}), **attributes},
        "status": {"code": "ERROR" if error else "UNSET"},
    }


def turn(
    trace_id: str, *, session: str, start_ms: float, model_ms: float = 800.0, runtime_arn: str = RUNTIME_ARN
) -> list[dict[str, Any]]:
    """The spans of one turn that called a tool: the request, the agent, two model calls, the tool, a memory write."""
    ids = [f"{trace_id[-4:]}{index:012x}" for index in range(7)]
    of = {"session": session, "runtime_arn": runtime_arn}
    gen_ai = "gen_ai.operation.name"
    return [
        span(trace_id, ids[0], "POST /invocations", start_ms=start_ms, ms=2 * model_ms + 60, **of),
        span(
            trace_id,
            ids[1],
            "invoke_agent Strands Agents",
            start_ms=start_ms + 2,
            ms=2 * model_ms + 40,
            parent=ids[0],
            **of,
            **{gen_ai: "invoke_agent"},
        ),
        span(trace_id, ids[2], "chat", start_ms=start_ms + 5, ms=model_ms, parent=ids[1], **of, **{gen_ai: "chat"}),
        span(
            trace_id,
            ids[3],
            "execute_tool calculator",
            start_ms=start_ms + 5 + model_ms,
            ms=12,
            parent=ids[1],
            **of,
            **{gen_ai: "execute_tool"},
        ),
        span(
            trace_id,
            ids[4],
            "chat",
            start_ms=start_ms + 20 + model_ms,
            ms=model_ms,
            parent=ids[1],
            **of,
            **{gen_ai: "chat"},
        ),
        span(
            trace_id,
            ids[5],
            "Bedrock Runtime.ConverseStream",
            start_ms=start_ms + 21 + model_ms,
            ms=model_ms - 2,
            parent=ids[4],
            **of,
            **{"rpc.method": "ConverseStream"},
        ),
        span(
            trace_id,
            ids[6],
            "Bedrock AgentCore.CreateEvent",
            start_ms=start_ms + 2 * model_ms + 45,
            ms=9,
            parent=ids[0],
            **of,
            **{"rpc.method": "CreateEvent"},
        ),
    ]


@dataclass
class TransactionSearch:
    """``aws/spans`` in moto; ``put`` writes span documents, as X-Ray does once Transaction Search is on."""

    client: Any
    created: bool = False
    stream: str = "default"
    count: int = 0

    def put(self, *spans: dict[str, Any]) -> None:
        """Write each span as one event, stamped with the span's start."""
        if not self.created:
            self.client.create_log_group(logGroupName=SPANS_LOG_GROUP)
            self.client.create_log_stream(logGroupName=SPANS_LOG_GROUP, logStreamName=self.stream)
            self.created = True
        events = sorted(
            (
                {"timestamp": document["startTimeUnixNano"] // _MS, "message": json.dumps(document)}
                for document in spans
            ),
            key=lambda event: event["timestamp"],
        )
        self.client.put_log_events(logGroupName=SPANS_LOG_GROUP, logStreamName=self.stream, logEvents=events)
        self.count += len(events)


def minutes_ago(minutes: float) -> float:
    """Milliseconds since the epoch, ``minutes`` before now."""
    return time.time() * 1000 - minutes * 60_000
