"""Which versions the runtime has, when each was made, what image it runs, and which endpoints serve it.

``ListAgentRuntimeVersions`` lists the versions and ``GetAgentRuntime`` (with a version) says each one's image;
``ListAgentRuntimeEndpoints`` says which version each endpoint serves (``liveVersion``) and, during a change, the one
it is moving to (``targetVersion``). ``DEFAULT`` is among them, serving the latest version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3

from client.aws import aws_errors, make_client
from client.invocation.arn import RuntimeArn


@dataclass(frozen=True)
class Version:
    """One version of the runtime, and the endpoints serving it (or moving to it)."""

    number: int
    status: str
    made: datetime | None
    image: str | None
    serving: list[str]
    """The endpoints that serve it."""
    arriving: list[str]
    """The endpoints moving to it (an update under way)."""

    @property
    def image_tag(self) -> str:
        """The image's tag (or digest), the part of its URI that changes from one build to the next."""
        if not self.image:
            return "?"
        return self.image.rsplit("@", 1)[1] if "@" in self.image else self.image.rsplit(":", 1)[-1]

    def line(self) -> str:
        """``3  2026-01-01 02:00  0123abcd  READY  DEFAULT, canary``, as ``python -m client versions`` prints it."""
        made = self.made.strftime("%Y-%m-%d %H:%M") if self.made else "?"
        endpoints = self.serving + [f"{name} (moving here)" for name in self.arriving]
        return f"{self.number:<8} {made:<17} {self.image_tag:<24} {self.status:<14} {', '.join(endpoints) or '-'}"


HEADER = f"{'version':<8} {'made (UTC)':<17} {'image tag':<24} {'status':<14} endpoints"


def runtime_versions(
    arn: str,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    session: boto3.session.Session | None = None,
    limit: int | None = None,
) -> list[Version]:
    """The runtime's versions, newest first (the ``limit`` newest), each with its image and its endpoints."""
    parsed = RuntimeArn.parse(arn)
    control = make_client(
        "bedrock-agentcore-control", region=region or parsed.region, endpoint_url=endpoint_url, session=session
    )
    with aws_errors():
        listed = _pages(control, "list_agent_runtime_versions", "agentRuntimes", parsed.runtime_id)
        endpoints = _pages(control, "list_agent_runtime_endpoints", "runtimeEndpoints", parsed.runtime_id)
        newest = sorted(listed, key=lambda version: -int(version["agentRuntimeVersion"]))[:limit]
        return [_version(control, parsed.runtime_id, summary, endpoints) for summary in newest]


def _version(control: Any, runtime_id: str, summary: dict[str, Any], endpoints: list[dict[str, Any]]) -> Version:
    number = summary["agentRuntimeVersion"]
    described = control.get_agent_runtime(agentRuntimeId=runtime_id, agentRuntimeVersion=number)
    container = (described.get("agentRuntimeArtifact") or {}).get("containerConfiguration") or {}
    return Version(
        number=int(number),
        status=summary.get("status", "?"),
        made=summary.get("lastUpdatedAt"),
        image=container.get("containerUri"),
        serving=[endpoint["name"] for endpoint in endpoints if endpoint.get("liveVersion") == number],
        arriving=[
            endpoint["name"]
            for endpoint in endpoints
            if endpoint.get("targetVersion") == number and endpoint.get("liveVersion") != number
        ],
    )


def _pages(control: Any, operation: str, key: str, runtime_id: str) -> list[dict[str, Any]]:
    pages = control.get_paginator(operation).paginate(agentRuntimeId=runtime_id)
    return [item for page in pages for item in page.get(key, [])]
