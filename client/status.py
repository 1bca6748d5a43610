"""The runtime's status and version, from the control plane's ``GetAgentRuntime``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3

from client.arn import RuntimeArn
from client.aws import aws_errors, make_client


@dataclass(frozen=True)
class RuntimeStatus:
    """What ``GetAgentRuntime`` says about a runtime."""

    name: str
    runtime_id: str
    arn: str
    status: str
    version: str
    updated: datetime | None = None
    failure_reason: str | None = None

    def lines(self) -> list[str]:
        """One ``label value`` line per fact, for a terminal."""
        rows = [
            ("runtime", f"{self.name} ({self.runtime_id})"),
            ("arn", self.arn),
            ("status", self.status),
            ("version", self.version),
        ]
        if self.updated is not None:
            rows.append(("updated", self.updated.isoformat()))
        if self.failure_reason:
            rows.append(("failure", self.failure_reason))
        return [f"{label:<8} {value}" for label, value in rows]


def runtime_status(
    arn: str,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    session: boto3.session.Session | None = None,
) -> RuntimeStatus:
    """Ask ``bedrock-agentcore-control`` for the runtime's status; ``endpoint_url`` replaces the control endpoint."""
    parsed = RuntimeArn.parse(arn)
    control = make_client(
        "bedrock-agentcore-control", region=region or parsed.region, endpoint_url=endpoint_url, session=session
    )
    with aws_errors():
        answer: dict[str, Any] = control.get_agent_runtime(agentRuntimeId=parsed.runtime_id)
    return RuntimeStatus(
        name=answer.get("agentRuntimeName", "?"),
        runtime_id=answer.get("agentRuntimeId", parsed.runtime_id),
        arn=answer.get("agentRuntimeArn", parsed.arn),
        status=answer.get("status", "UNKNOWN"),
        version=str(answer.get("agentRuntimeVersion", "?")),
        updated=answer.get("lastUpdatedAt"),
        failure_reason=answer.get("failureReason"),
    )
