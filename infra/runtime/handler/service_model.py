"""What botocore's service model of ``bedrock-agentcore-control`` tells the handler about its requests.

CloudFormation hands every scalar property over as a string, so numbers and booleans are converted back by walking the
operation's input shape; which parameters ``UpdateAgentRuntime`` lacks (create-only: a change needs a new runtime, or
``TagResource``), and what a runtime id looks like, are read from the same model rather than written down here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

try:  # imported as part of the ``infra`` package (the CDK app, the tests)
    from . import properties as p
except ImportError:  # the Lambda bundle's root is this directory
    import properties as p  # type: ignore[no-redef]

Client = Any


def request(
    client: Client, operation: str, properties: Mapping[str, Any], handler_owned: frozenset[str] = p.HANDLER_OWNED
) -> dict[str, Any]:
    """Turn resource properties into the operation's request, with scalars converted per the service model.

    Raises:
        ValueError: The properties set a parameter the handler sets itself (``handler_owned``), or a boolean is
            neither true nor false.
    """
    owned = handler_owned.intersection(properties)
    if owned:
        raise ValueError(f"resource properties must not set {sorted(owned)}: the handler sets them")
    shape = client.meta.service_model.operation_model(operation).input_shape
    return from_cfn(dict(properties), shape)


def from_cfn(value: Any, shape: Any) -> Any:
    """Convert CloudFormation's strings back to the types ``shape`` declares; leave what it does not know."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        members = shape.members
        return {key: from_cfn(item, members[key]) if key in members else item for key, item in value.items()}
    if kind == "list" and isinstance(value, list):
        return [from_cfn(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, Mapping):
        return {key: from_cfn(item, shape.value) for key, item in value.items()}
    if not isinstance(value, str):
        return value
    if kind in ("integer", "long"):
        return int(value)
    if kind in ("float", "double"):
        return float(value)
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise ValueError(f"expected 'true' or 'false' for a boolean, got {value!r}")
        return value.lower() == "true"
    return value


def create_only(client: Client) -> frozenset[str]:
    """Parameters ``CreateAgentRuntime`` takes and ``UpdateAgentRuntime`` does not (name and tags, today)."""
    model = client.meta.service_model
    create = model.operation_model("CreateAgentRuntime").input_shape.members
    update = model.operation_model("UpdateAgentRuntime").input_shape.members
    return frozenset(create) - frozenset(update)


def replacing(client: Client) -> frozenset[str]:
    """Create-only parameters whose change needs a new runtime (tags change in place, through TagResource)."""
    return create_only(client) - {p.TAGS, p.CLIENT_TOKEN}


def is_runtime_id(client: Client, value: str) -> bool:
    """Whether ``value`` is a runtime id by the model's pattern (not the framework's placeholder, nor ours)."""
    shape = client.meta.service_model.operation_model("GetAgentRuntime").input_shape.members[p.AGENT_RUNTIME_ID]
    return re.fullmatch(shape.metadata["pattern"], value or "") is not None
