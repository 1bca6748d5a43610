"""The runtime's CloudWatch Logs group and its control-plane resources, in moto, for the ``logs`` and ``status`` tests.

moto answers real boto3 calls in process (request serialization, response parsing and error codes included), so
the client code under test runs unchanged; only the AWS endpoint is simulated.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

from agent.observability.metrics import EmbeddedMetrics
from contract.agentcore import DEFAULT_ENDPOINT, runtime_log_group
from contract.metrics import DEFAULT_METRICS_NAMESPACE
from contract.record import InvocationRecord, MemoryWrite, Outcome, ToolCall
from fakes.dataplane import ACCOUNT, RUNTIME_ARN, RUNTIME_ID

RUNTIME_NAME = "streaming_agent"
"""The name ``create_runtime`` gives the runtime, which its records' metrics carry as their ``Runtime``."""
RUNTIME_STREAM = "2026/11/26/[runtime-logs]0123456789abcdef"
OTEL_STREAM = "otel-rt-logs"
SESSION_A = "session-a-" + "a" * 30
SESSION_B = "session-b-" + "b" * 30
_TYPICAL = InvocationRecord(
    outcome=Outcome.COMPLETED,
    stream="text",
    status=200,
    ttfc_ms=812.4,
    total_ms=2430.0,
    chunks=14,
    usage={"inputTokens": 22, "outputTokens": 14, "totalTokens": 36},
    stop_reason="end_turn",
    tools=(ToolCall(name="calculator", ms=3.2, status="success"),),
)


def record(
    session: str | None = SESSION_A, outcome: str = "completed", *, minutes_ago: float = 0, **fields: Any
) -> str:
    """One invocation record line as the agent prints it: ``contract.record.InvocationRecord``, the agent's own type,
    with the metrics the agent adds (``agent.observability.metrics``), which ``logs`` and ``status`` read past.

    A typical completed text-mode turn with one tool call, changed by ``fields`` (``memory`` by its value's name);
    its metrics are stamped ``minutes_ago`` before now.
    """
    if fields.get("memory") is not None:
        fields["memory"] = MemoryWrite(fields["memory"])
    typed = replace(_TYPICAL, session=session, outcome=Outcome(outcome), **fields)
    stamp = int(time.time() * 1000 - minutes_ago * 60_000)
    return EmbeddedMetrics(DEFAULT_METRICS_NAMESPACE, RUNTIME_NAME).line(typed, stamp)


@dataclass
class RuntimeLogs:
    """The runtime's log group in moto; ``put`` writes events, each ``minutes_ago`` before now."""

    client: Any
    runtime_id: str = RUNTIME_ID
    streams: set[str] = field(default_factory=set)
    endpoint: str = DEFAULT_ENDPOINT

    @property
    def group(self) -> str:
        """``/aws/bedrock-agentcore/runtimes/<id>-<endpoint>`` (``DEFAULT``'s unless another is given)."""
        return runtime_log_group(self.runtime_id, self.endpoint)

    def put(self, *messages: str, minutes_ago: float = 5, stream: str = RUNTIME_STREAM) -> None:
        """Append ``messages`` to ``stream``, one millisecond apart, creating the group and stream as AgentCore does."""
        if not self.streams:
            self.client.create_log_group(logGroupName=self.group)
        if stream not in self.streams:
            self.client.create_log_stream(logGroupName=self.group, logStreamName=stream)
            self.streams.add(stream)
        start = int(time.time() * 1000 - minutes_ago * 60_000)
        events = [{"timestamp": start + i, "message": message} for i, message in enumerate(messages)]
        self.client.put_log_events(logGroupName=self.group, logStreamName=stream, logEvents=events)


def create_runtime(control: Any, *, image: str, environment: dict[str, str] | None = None) -> tuple[str, str]:
    """A READY runtime with its DEFAULT endpoint in moto; returns its ARN (in the service's form) and its id."""
    runtime = control.create_agent_runtime(
        agentRuntimeName=RUNTIME_NAME,
        agentRuntimeArtifact={"containerConfiguration": {"containerUri": image}},
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/agent-runtime",
        networkConfiguration={"networkMode": "PUBLIC"},
        **({"environmentVariables": environment} if environment else {}),
    )
    control.create_agent_runtime_endpoint(agentRuntimeId=runtime["agentRuntimeId"], name="DEFAULT")
    # moto names runtimes agent/<uuid>; the service (and the client's ARN check) use runtime/<id>.
    return RUNTIME_ARN.replace(RUNTIME_ID, runtime["agentRuntimeId"]), runtime["agentRuntimeId"]
