"""A CloudFormation custom-resource event as the Provider framework delivers it, read once into typed fields.

The request's own identity lives here too: its idempotency token, and the physical id of a create whose outcome is
unknown, which carries that token so that the rollback's Delete can find what the create made.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

try:  # imported as part of the ``infra`` package (the CDK app, the tests)
    from . import ownership
    from . import properties as p
except ImportError:  # the Lambda bundle's root is this directory
    import ownership  # type: ignore[no-redef]
    import properties as p  # type: ignore[no-redef]

UNCONFIRMED_PREFIX = "AgentCoreRuntime::UNCONFIRMED_CREATE::"
"""Physical id of a create that got no answer, followed by its clientToken. The framework drops the rollback's Delete
for its own CREATE_FAILED marker without calling the handler; this id reaches the handler, which finds the runtime."""
ENDPOINT_UNCONFIRMED_PREFIX = "AgentCoreRuntimeEndpoint::UNCONFIRMED_CREATE::"
"""The same for a runtime endpoint."""


@dataclass(frozen=True)
class CfnEvent:
    """One request of CloudFormation for the resource, with ``Data`` once ``on_event`` has answered."""

    request_type: str
    """``Create``, ``Update`` or ``Delete``."""
    resource_type: str
    """``Custom::AgentCoreRuntime`` or ``Custom::AgentCoreRuntimeEndpoint``: which of the two the request is for."""
    request_id: str
    """Unique per CloudFormation request, and the same when the framework retries that request."""
    stack_id: str
    """The stack's ARN, unique to this stack for ever (a stack created again under the same name has another)."""
    logical_id: str
    """The resource's logical id in the template."""
    physical_id: str = ""
    """The runtime id (``agentRuntimeId``) once created; the framework's placeholder before."""
    properties: dict[str, Any] = field(default_factory=dict)
    """Desired configuration: ``CreateAgentRuntime`` parameters, as CloudFormation strings."""
    old_properties: dict[str, Any] = field(default_factory=dict)
    """Configuration before an update (on rollback: the one being rolled back from)."""
    data: dict[str, Any] = field(default_factory=dict)
    """``Data`` returned by ``on_event``; ``is_complete`` receives it merged into the event."""

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> CfnEvent:
        """Read the event the framework passed to a handler."""
        return cls(
            request_type=raw["RequestType"],
            resource_type=raw.get("ResourceType", p.RESOURCE_TYPE),
            request_id=raw["RequestId"],
            stack_id=raw["StackId"],
            logical_id=raw["LogicalResourceId"],
            physical_id=raw.get("PhysicalResourceId", ""),
            properties=_without_service_token(raw.get("ResourceProperties", {})),
            old_properties=_without_service_token(raw.get("OldResourceProperties", {})),
            data=dict(raw.get("Data") or {}),
        )

    @property
    def client_token(self) -> str:
        """Idempotency token for this request: the same for a retried event, different for any other (64 chars)."""
        return hashlib.sha256(f"{self.request_id}/{self.logical_id}".encode()).hexdigest()

    @property
    def unconfirmed_prefix(self) -> str:
        """How the physical id of this resource type's create with an unknown outcome starts."""
        return UNCONFIRMED_PREFIX if self.resource_type == p.RESOURCE_TYPE else ENDPOINT_UNCONFIRMED_PREFIX

    @property
    def unconfirmed_id(self) -> str:
        """Physical id for a create whose outcome is unknown: the rollback's Delete finds what it made by its token."""
        return f"{self.unconfirmed_prefix}{self.client_token}"

    def deleting(self, what: Mapping[str, str], now: float) -> dict[str, Any]:
        """on_event's answer to a Delete that asked for a deletion: which one (``what``) and since when, as Data.

        The physical id must not change on a Delete; is_complete learns what to wait for, and for how long, from Data.
        """
        return {"PhysicalResourceId": self.physical_id, "Data": {**what, p.ATTR_DELETE_REQUESTED_AT: f"{now:.0f}"}}

    @property
    def owner(self) -> dict[str, str]:
        """The tags that mark a runtime as this resource's."""
        return ownership.owner_tags(self.stack_id, self.logical_id)

    @property
    def name(self) -> str:
        """The desired runtime name (a runtime's request)."""
        return self.properties[p.AGENT_RUNTIME_NAME]

    @property
    def created_token(self) -> str | None:
        """The create token carried by an unconfirmed physical id of this resource type, else None."""
        if not self.physical_id.startswith(self.unconfirmed_prefix):
            return None
        return self.physical_id.removeprefix(self.unconfirmed_prefix)


def _without_service_token(properties: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in properties.items() if key != "ServiceToken"}
