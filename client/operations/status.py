"""Is the runtime healthy, and what is running: the control plane's view plus the last hour of invocation records.

``GetAgentRuntime`` says what the runtime's latest version is and which image it runs; ``GetAgentRuntimeEndpoint``
says which version an endpoint (``DEFAULT``, or a named one) actually serves (it lags behind during an update); the
agent's own records in that endpoint's CloudWatch Logs say how many invocations there were and how they ended.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import boto3

from client.aws import aws_errors, make_client
from client.errors import AgentClientError
from client.invocation.arn import RuntimeArn
from client.operations.metrics import RecentMetrics, recent_metrics
from client.operations.records import count_outcomes
from client.operations.runtime_logs import LogFilter, LogGroupMissing, current_ms, read_events
from contract.agentcore import DEFAULT_ENDPOINT, runtime_log_group
from contract.metrics import DEFAULT_METRICS_NAMESPACE, METRICS_NAMESPACE_ENV, RUNTIME_NAME_ENV
from contract.record import Outcome

RECENT = timedelta(hours=1)
"""How far back ``status`` counts invocations."""
_LABEL_WIDTH = len("last hour")


@dataclass(frozen=True)
class EndpointStatus:
    """What ``GetAgentRuntimeEndpoint`` says about the endpoint invocations go to."""

    name: str
    status: str
    live_version: str | None = None
    target_version: str | None = None
    failure_reason: str | None = None

    def describe(self) -> str:
        """``DEFAULT READY, serving version 3`` (and the version it is moving to during an update)."""
        text = f"{self.name} {self.status}"
        if self.live_version:
            text += f", serving version {self.live_version}"
        if self.target_version and self.target_version != self.live_version:
            text += f" (moving to {self.target_version})"
        if self.failure_reason:
            text += f": {self.failure_reason}"
        return text


@dataclass(frozen=True)
class RecentInvocations:
    """Outcomes of the invocations over the last hour, or why they could not be counted."""

    outcomes: Counter[str] = field(default_factory=Counter)
    unavailable: str | None = None

    @property
    def total(self) -> int:
        """Invocations recorded."""
        return sum(self.outcomes.values())

    @property
    def errors(self) -> int:
        """Invocations that did not complete (refused, hung up, failed), or whose memory write failed."""
        return self.total - self.outcomes[Outcome.COMPLETED.value]

    def describe(self) -> str:
        """``12 invocations, 2 errors (1 model_error, 1 refused)``, or why there is no count."""
        if self.unavailable:
            return f"unknown ({self.unavailable})"
        text = f"{_plural(self.total, 'invocation')}, {_plural(self.errors, 'error')}"
        failed = sorted((outcome, n) for outcome, n in self.outcomes.items() if outcome != Outcome.COMPLETED)
        if failed:
            text += " (" + ", ".join(f"{n} {outcome}" for outcome, n in failed) + ")"
        return text


@dataclass(frozen=True)
class RuntimeStatus:
    """What the control plane and the logs say about a runtime."""

    name: str
    runtime_id: str
    arn: str
    status: str
    version: str
    updated: datetime | None = None
    failure_reason: str | None = None
    image: str | None = None
    endpoint: EndpointStatus | None = None
    recent: RecentInvocations | None = None
    metrics: RecentMetrics | None = None

    def lines(self) -> list[str]:
        """One ``label value`` line per fact, for a terminal."""
        rows = [
            ("runtime", f"{self.name} ({self.runtime_id})"),
            ("arn", self.arn),
            ("status", self.status),
            ("version", self.version),
        ]
        if self.endpoint is not None:
            rows.append(("endpoint", self.endpoint.describe()))
        if self.image:
            rows.append(("image", self.image))
        if self.updated is not None:
            rows.append(("updated", self.updated.isoformat()))
        if self.failure_reason:
            rows.append(("failure", self.failure_reason))
        if self.recent is not None:
            rows.append(("last hour", self.recent.describe()))
        if self.metrics is not None:
            rows.append(("metrics", self.metrics.describe()))
        return [f"{label:<{_LABEL_WIDTH}} {value}" for label, value in rows]


def runtime_status(
    arn: str,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    session: boto3.session.Session | None = None,
    with_logs: bool = True,
    endpoint: str = DEFAULT_ENDPOINT,
) -> RuntimeStatus:
    """Ask the control plane about the runtime and its ``endpoint``, count recent records, read the last hour's metrics.

    ``endpoint_url`` replaces the control plane's endpoint only; CloudWatch Logs and CloudWatch are reached as boto3
    decides (``AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`` included). Counting needs ``logs:FilterLogEvents`` and the metrics
    ``cloudwatch:GetMetricData``: without either the status is still shown, with the reason that part is missing.
    """
    parsed = RuntimeArn.parse(arn)
    region = region or parsed.region
    control = make_client("bedrock-agentcore-control", region=region, endpoint_url=endpoint_url, session=session)
    with aws_errors():
        answer: dict[str, Any] = control.get_agent_runtime(agentRuntimeId=parsed.runtime_id)
        described: dict[str, Any] = control.get_agent_runtime_endpoint(
            agentRuntimeId=parsed.runtime_id, endpointName=endpoint
        )
    runtime_id = answer.get("agentRuntimeId", parsed.runtime_id)
    container = (answer.get("agentRuntimeArtifact") or {}).get("containerConfiguration") or {}
    return RuntimeStatus(
        name=answer.get("agentRuntimeName", "?"),
        runtime_id=runtime_id,
        arn=parsed.arn,
        status=answer.get("status", "UNKNOWN"),
        version=str(answer.get("agentRuntimeVersion", "?")),
        updated=answer.get("lastUpdatedAt"),
        failure_reason=answer.get("failureReason"),
        image=container.get("containerUri"),
        endpoint=EndpointStatus(
            name=described.get("name", endpoint),
            status=described.get("status", "UNKNOWN"),
            live_version=described.get("liveVersion"),
            target_version=described.get("targetVersion"),
            failure_reason=described.get("failureReason"),
        ),
        recent=recent_invocations(runtime_id, region=region, session=session, endpoint=endpoint) if with_logs else None,
        metrics=runtime_metrics(answer, region=region, session=session) if with_logs else None,
    )


def runtime_metrics(
    runtime: dict[str, Any], *, region: str | None = None, session: boto3.session.Session | None = None
) -> RecentMetrics:
    """The last hour's metrics of the runtime ``GetAgentRuntime`` described, in the namespace its environment names."""
    environment = runtime.get("environmentVariables") or {}
    namespace = environment.get(METRICS_NAMESPACE_ENV) or DEFAULT_METRICS_NAMESPACE
    runtime_name = environment.get(RUNTIME_NAME_ENV) or runtime.get("agentRuntimeName", "?")
    try:
        cloudwatch = make_client("cloudwatch", region=region, session=session)
    except AgentClientError as error:
        return RecentMetrics(unavailable=f"could not read CloudWatch metrics: {error}")
    return recent_metrics(cloudwatch, namespace, runtime_name, RECENT)


def recent_invocations(
    runtime_id: str,
    *,
    region: str | None = None,
    session: boto3.session.Session | None = None,
    endpoint: str = DEFAULT_ENDPOINT,
) -> RecentInvocations:
    """Count the last hour's invocation records by outcome; a failure to read them becomes the reason shown.

    AgentCore keeps each endpoint's logs in a group of their own: these are ``endpoint``'s.
    """
    try:
        logs = make_client("logs", region=region, session=session)
        events = read_events(
            logs,
            runtime_log_group(runtime_id, endpoint),
            start_ms=current_ms() - int(RECENT.total_seconds() * 1000),
            selection=LogFilter(records_only=True),
        )
        return RecentInvocations(outcomes=count_outcomes(events))
    except LogGroupMissing:
        return RecentInvocations()  # no log group: never invoked, zero is the truth
    except AgentClientError as error:
        return RecentInvocations(unavailable=f"could not read the runtime's logs: {error}")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
