"""The CloudWatch Logs side of the fake control plane: the log groups AgentCore creates for a runtime's endpoints.

Kept apart from the runtimes because they are another service's resources, answered to a ``logs`` client: a log group
appears when an endpoint (``DEFAULT`` included) first serves, and stays when the endpoint or its runtime goes, as
AgentCore leaves them, until deleted through CloudWatch Logs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakes.service_state import ACCOUNT, REGION, ServiceError, page

_PREFIX = "/aws/bedrock-agentcore/runtimes/"


@dataclass
class LogGroupOperations:
    """The CloudWatch Logs operations of ``fakes.control_plane.ControlPlane``, and the log groups they work on."""

    log_groups: set[str] = field(default_factory=set)

    def runtime_log_groups(self, runtime_id: str) -> set[str]:
        """The log groups of a runtime's endpoints, which outlive it."""
        return {name for name in self.log_groups if name.startswith(f"{_PREFIX}{runtime_id}-")}

    def _endpoint_serves(self, runtime_id: str, endpoint: str) -> None:
        """AgentCore has created the endpoint's log group by the time it serves."""
        self.log_groups.add(f"{_PREFIX}{runtime_id}-{endpoint}")

    def _describe_log_groups(self, params: dict[str, Any]) -> dict[str, Any]:
        prefix = params.get("logGroupNamePrefix", "")
        groups = [
            {"logGroupName": name, "arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}:*"}
            for name in sorted(self.log_groups)
            if name.startswith(prefix)
        ]
        return page(groups, "logGroups", params)

    def _delete_log_group(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["logGroupName"]
        if name not in self.log_groups:
            raise ServiceError("ResourceNotFoundException", "The specified log group does not exist.", 400)
        self.log_groups.remove(name)
        return {}
