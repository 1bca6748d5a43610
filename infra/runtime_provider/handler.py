"""Custom-resource handler for ``Custom::AgentCoreRuntime``: the ``on_event`` and ``is_complete`` of a CDK Provider.

The resource properties are ``CreateAgentRuntime``'s own parameters. CloudFormation hands every scalar over as a
string, so numbers and booleans are converted back by walking the operation's input shape in the service model; the
request is otherwise passed through as it is, and botocore validates it against the same model before sending.

``on_event`` starts the change and returns at once; ``is_complete`` polls ``GetAgentRuntime`` until the runtime (at
the version that ``on_event`` created) is ``READY``, or is gone after a delete. Failure is a raised exception whose
message CloudFormation shows in the stack events.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

try:  # imported as part of the ``infra`` package (the CDK app, the tests)
    from . import properties as p
except ImportError:  # the Lambda bundle's root is this directory
    import properties as p  # type: ignore[no-redef]

LOGGER = logging.getLogger(__name__)
LOGGER.setLevel(logging.INFO)

SERVICE = "bedrock-agentcore-control"
ROLE_RETRY_DELAYS = (2.0, 4.0, 8.0, 16.0, 30.0)
"""Seconds to wait before each new try of a create refused because the new role is not usable yet (~1 min in all)."""

_ROLE_NOT_READY = re.compile(r"role.*(assum|trust|validat)|(assum|validat).*role", re.IGNORECASE | re.DOTALL)
_NOT_FOUND = "ResourceNotFoundException"
_THROTTLED = frozenset({"ThrottlingException", "TooManyRequestsException"})

Client = Any
Sleep = Callable[[float], None]


class CfnEvent:
    """Typed read access to a CloudFormation custom-resource event as the Provider framework delivers it."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw

    @property
    def request_type(self) -> str:
        """``Create``, ``Update`` or ``Delete``."""
        return self._raw["RequestType"]

    @property
    def request_id(self) -> str:
        """Unique per CloudFormation request, and the same when the framework retries that request."""
        return self._raw["RequestId"]

    @property
    def logical_id(self) -> str:
        """The resource's logical id in the template."""
        return self._raw["LogicalResourceId"]

    @property
    def physical_id(self) -> str:
        """The runtime id (``agentRuntimeId``) once created; the framework's placeholder before."""
        return self._raw.get("PhysicalResourceId", "")

    @property
    def properties(self) -> dict[str, Any]:
        """Desired configuration: ``CreateAgentRuntime`` parameters, as CloudFormation strings."""
        return _without_service_token(self._raw.get("ResourceProperties", {}))

    @property
    def old_properties(self) -> dict[str, Any]:
        """Configuration before an update (on rollback: the one being rolled back from)."""
        return _without_service_token(self._raw.get("OldResourceProperties", {}))

    @property
    def data(self) -> dict[str, Any]:
        """``Data`` returned by ``on_event``; ``is_complete`` receives it merged into the event."""
        return dict(self._raw.get("Data") or {})

    @property
    def client_token(self) -> str:
        """Idempotency token for this request: the same for a retried event, different for any other (64 chars)."""
        return hashlib.sha256(f"{self.request_id}/{self.logical_id}".encode()).hexdigest()


def on_event(event: Mapping[str, Any], context: Any = None, *, client: Client = None, sleep: Sleep = time.sleep):
    """Start the create, update or delete that the event asks for."""
    cfn = CfnEvent(event)
    client = client or _client()
    LOGGER.info(
        "on_event | request_type=<%s>, logical_id=<%s>, physical_id=<%s>",
        cfn.request_type,
        cfn.logical_id,
        cfn.physical_id,
    )
    if cfn.request_type == "Create":
        return _create(cfn, client, sleep)
    if cfn.request_type == "Update":
        return _update(cfn, client, sleep)
    if cfn.request_type == "Delete":
        return _delete(cfn, client)
    raise ValueError(f"unknown RequestType {cfn.request_type!r}")


def is_complete(event: Mapping[str, Any], context: Any = None, *, client: Client = None) -> dict[str, Any]:
    """Say whether the change that ``on_event`` started is finished; raise when the service reports it failed."""
    cfn = CfnEvent(event)
    client = client or _client()
    runtime_id = cfn.physical_id
    if cfn.request_type == "Delete":
        return _is_deleted(client, runtime_id)

    request = {p.AGENT_RUNTIME_ID: runtime_id}
    version = cfn.data.get(p.ATTR_VERSION)
    if version:
        request[p.AGENT_RUNTIME_VERSION] = version
    try:
        runtime = client.get_agent_runtime(**request)
    except ClientError as error:
        if _code(error) in _THROTTLED:
            LOGGER.info("is_complete | runtime_id=<%s> | throttled, polling again later", runtime_id)
            return {"IsComplete": False}
        raise

    status = runtime["status"]
    LOGGER.info("is_complete | runtime_id=<%s>, version=<%s>, status=<%s>", runtime_id, version, status)
    if status.endswith("_FAILED"):
        reason = runtime.get("failureReason") or "the service gave no failureReason"
        raise RuntimeError(
            f"AgentCore runtime {runtime_id} (version {runtime['agentRuntimeVersion']}) {status}: {reason}"
        )
    if status != "READY":
        return {"IsComplete": False}
    return {"IsComplete": True, "Data": _attributes(runtime)}


def _create(cfn: CfnEvent, client: Client, sleep: Sleep) -> dict[str, Any]:
    request = _request(client, "CreateAgentRuntime", cfn.properties)
    request[p.CLIENT_TOKEN] = cfn.client_token
    for delay in (*ROLE_RETRY_DELAYS, None):
        try:
            response = client.create_agent_runtime(**request)
            break
        except ClientError as error:
            # IAM is eventually consistent: a role created seconds ago may not be assumable by the service yet.
            if delay is None or not _role_not_ready(error):
                raise
            LOGGER.warning("create | role not usable yet, retrying | delay=<%s>, error=<%s>", delay, error)
            sleep(delay)
    LOGGER.info("create | runtime_id=<%s>, status=<%s>", response["agentRuntimeId"], response["status"])
    return _result(response)


def _update(cfn: CfnEvent, client: Client, sleep: Sleep) -> dict[str, Any]:
    new_name = cfn.properties.get(p.AGENT_RUNTIME_NAME)
    current_name = _current_name(client, cfn.physical_id)
    if new_name != current_name:
        # A runtime cannot be renamed: create the new one; CloudFormation deletes the old id after success.
        # The name is read from the service, not from OldResourceProperties: when a rename fails, the rollback
        # asks for the old name on the old id, which exists under that name and must be updated, not re-created.
        LOGGER.info("update | name changed, replacing | current_name=<%s>, new_name=<%s>", current_name, new_name)
        return _create(cfn, client, sleep)

    configuration = {key: value for key, value in cfn.properties.items() if key != p.AGENT_RUNTIME_NAME}
    request = _request(client, "UpdateAgentRuntime", configuration)
    request[p.AGENT_RUNTIME_ID] = cfn.physical_id
    request[p.CLIENT_TOKEN] = cfn.client_token
    response = client.update_agent_runtime(**request)
    LOGGER.info(
        "update | runtime_id=<%s>, version=<%s>, status=<%s>",
        response["agentRuntimeId"],
        response["agentRuntimeVersion"],
        response["status"],
    )
    return _result(response)


def _delete(cfn: CfnEvent, client: Client) -> dict[str, Any]:
    runtime_id = cfn.physical_id
    if not _is_runtime_id(client, runtime_id):
        # A create that failed before the service answered leaves the framework's placeholder id: nothing exists.
        LOGGER.info("delete | physical_id=<%s> | not a runtime id, nothing to delete", runtime_id)
        return {"PhysicalResourceId": runtime_id}
    try:
        client.delete_agent_runtime(**{p.AGENT_RUNTIME_ID: runtime_id, p.CLIENT_TOKEN: cfn.client_token})
    except ClientError as error:
        if _code(error) != _NOT_FOUND:
            raise
        LOGGER.info("delete | runtime_id=<%s> | already gone", runtime_id)
    return {"PhysicalResourceId": runtime_id}


def _current_name(client: Client, runtime_id: str) -> str | None:
    """The name the service has for ``runtime_id``; None when it holds no such runtime."""
    if not _is_runtime_id(client, runtime_id):
        return None
    try:
        return client.get_agent_runtime(**{p.AGENT_RUNTIME_ID: runtime_id})["agentRuntimeName"]
    except ClientError as error:
        if _code(error) != _NOT_FOUND:
            raise
        return None


def _is_deleted(client: Client, runtime_id: str) -> dict[str, Any]:
    if not _is_runtime_id(client, runtime_id):
        return {"IsComplete": True}
    try:
        runtime = client.get_agent_runtime(**{p.AGENT_RUNTIME_ID: runtime_id})
    except ClientError as error:
        if _code(error) == _NOT_FOUND:
            return {"IsComplete": True}
        if _code(error) in _THROTTLED:
            return {"IsComplete": False}
        raise
    if runtime["status"] == "DELETE_FAILED":
        reason = runtime.get("failureReason") or "the service gave no failureReason"
        raise RuntimeError(f"AgentCore runtime {runtime_id} DELETE_FAILED: {reason}")
    LOGGER.info("is_complete | runtime_id=<%s>, status=<%s> | waiting for deletion", runtime_id, runtime["status"])
    return {"IsComplete": False}


def _request(client: Client, operation: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """Turn resource properties into the operation's request, with scalars converted per the service model."""
    owned = p.HANDLER_OWNED.intersection(properties)
    if owned:
        raise ValueError(f"resource properties must not set {sorted(owned)}: the handler sets them")
    shape = client.meta.service_model.operation_model(operation).input_shape
    return _from_cfn(dict(properties), shape)


def _from_cfn(value: Any, shape: Any) -> Any:
    """Convert CloudFormation's strings back to the types ``shape`` declares; leave what it does not know."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        members = shape.members
        return {key: _from_cfn(item, members[key]) if key in members else item for key, item in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_from_cfn(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, Mapping):
        return {key: _from_cfn(item, shape.value) for key, item in value.items()}
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


def _result(response: Mapping[str, Any]) -> dict[str, Any]:
    return {"PhysicalResourceId": response["agentRuntimeId"], "Data": _attributes(response)}


def _attributes(response: Mapping[str, Any]) -> dict[str, str]:
    return {
        p.ATTR_ARN: response["agentRuntimeArn"],
        p.ATTR_ID: response["agentRuntimeId"],
        p.ATTR_VERSION: response["agentRuntimeVersion"],
    }


def _is_runtime_id(client: Client, value: str) -> bool:
    shape = client.meta.service_model.operation_model("GetAgentRuntime").input_shape.members[p.AGENT_RUNTIME_ID]
    return re.fullmatch(shape.metadata["pattern"], value or "") is not None


def _role_not_ready(error: ClientError) -> bool:
    return _code(error) == "ValidationException" and bool(_ROLE_NOT_READY.search(str(error)))


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


def _without_service_token(properties: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in properties.items() if key != "ServiceToken"}


def _client() -> Client:
    # Standard retry mode backs off on throttling and transient errors before the handler sees them.
    return boto3.client(SERVICE, config=Config(retries={"mode": "standard", "max_attempts": 8}))
