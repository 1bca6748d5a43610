"""IAM in front of the fake control plane: whether the ``Caller`` a client was made for may make each call.

Kept apart from the service's state because it is IAM's decision, taken before the service looks, and only for a
client made for a ``Caller``: the caller's current policy (read at each call, so that a test can change it as
CloudFormation would) must allow the action on the resource, with the runtime's tags as ``aws:ResourceTag/<key>`` and
the tags a request sets as ``aws:RequestTag/<key>``; a runtime that does not exist has no tags. Creating a runtime (or
an endpoint) with tags also needs ``TagResource`` on it (create-time tagging), with the request's tags and none of its
own yet. An action the Service Authorization Reference authorizes on a runtime and a runtime endpoint is checked on
both. The first runtime in VPC mode makes AgentCore create its network service-linked role with the caller's
permissions (``iam:CreateServiceLinkedRole``, AWS guide "Configure AgentCore Runtime and tools for VPC"). Not
modelled: what else the service does with the caller's permissions on its own behalf (``iam:PassRole`` of the
execution role, the runtime's workload identity), which a test here never changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fakes.iam import Policy
from fakes.service_state import ACCOUNT, REGION, ServiceError, runtime_arn

NETWORK_SERVICE = "network.bedrock-agentcore.amazonaws.com"
NETWORK_ROLE = "AWSServiceRoleForBedrockAgentCoreNetwork"
NETWORK_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/{NETWORK_SERVICE}/{NETWORK_ROLE}"
"""The service-linked role AgentCore creates on the first runtime in VPC mode, with the caller's permissions."""
UNSCOPED = frozenset(
    {"CreateAgentRuntime", "ListAgentRuntimes", "ListAgentRuntimeEndpoints", "ListAgentRuntimeVersions"}
)
"""Operations the Service Authorization Reference authorizes on ``*`` only (a test holds this to it)."""


@dataclass(frozen=True)
class Caller:
    """Who calls: a name for the error message, and the policy in force at the time of each call."""

    name: str
    policy: Callable[[], Policy]


@dataclass
class CallerAuthorization:
    """The IAM checks of ``fakes.control_plane.ControlPlane``, which holds the tagged resources they read."""

    service_linked_roles: set[str] = field(default_factory=set)
    denied: list[tuple[str, str, str]] = field(default_factory=list)
    """Every call IAM refused: (caller, action, resource)."""
    _caller: Caller | None = None

    def _authorize_call(self, caller: Caller | None, operation: str, action: str, params: dict[str, Any]) -> None:
        """IAM's answer to a call, before the service acts; ``caller`` stays in force for the service's own checks."""
        self._caller = caller
        for resource in self._resources_of(operation, params):
            self._authorize(action, resource, params.get("tags"))

    @staticmethod
    def _resources_of(operation: str, params: dict[str, Any]) -> list[str]:
        """The ARNs IAM authorizes the call on (the Service Authorization Reference's resource types for it)."""
        if operation in UNSCOPED:
            return ["*"]
        if "endpointName" in params:  # authorized on the runtime and on its endpoint
            runtime = runtime_arn(params["agentRuntimeId"])
            return [runtime, f"{runtime}/runtime-endpoint/{params['endpointName']}"]
        if "agentRuntimeId" in params:
            return [runtime_arn(params["agentRuntimeId"])]
        if "resourceArn" in params:
            return [params["resourceArn"]]
        if operation == "DeleteLogGroup":
            return [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{params['logGroupName']}"]
        if operation == "DescribeLogGroups":
            return [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*"]
        return ["*"]

    def _authorize(
        self,
        action: str,
        resource: str,
        request_tags: dict[str, str] | None = None,
        context: dict[str, str] | None = None,
    ) -> None:
        if self._caller is None:
            return
        tagged = self._tagged(resource)  # type: ignore[attr-defined]
        conditions = {f"aws:ResourceTag/{key}": value for key, value in (tagged.tags if tagged else {}).items()}
        conditions.update({f"aws:RequestTag/{key}": value for key, value in (request_tags or {}).items()})
        conditions.update(context or {})
        if self._caller.policy().allows(action, resource, conditions):
            return
        self.denied.append((self._caller.name, action, resource))
        raise ServiceError(
            "AccessDeniedException",
            f"User: {self._caller.name} is not authorized to perform: {action} on resource: {resource} because no "
            f"identity-based policy allows the {action} action",
            403,
        )

    def _network_role_for(self, configuration: dict[str, Any]) -> None:
        """The first runtime in VPC mode: AgentCore creates its network role, with the caller's permissions."""
        network = configuration.get("networkConfiguration") or {}
        if network.get("networkMode") != "VPC" or NETWORK_ROLE_ARN in self.service_linked_roles:
            return
        self._authorize(
            "iam:CreateServiceLinkedRole", NETWORK_ROLE_ARN, context={"iam:AWSServiceName": NETWORK_SERVICE}
        )
        self.service_linked_roles.add(NETWORK_ROLE_ARN)
