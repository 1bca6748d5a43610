"""Custom-resource handler for ``Custom::AgentCoreRuntime``: the ``on_event`` and ``is_complete`` of a CDK Provider.

The resource properties are ``CreateAgentRuntime``'s own parameters. CloudFormation hands every scalar over as a
string, so numbers and booleans are converted back by walking the operation's input shape in the service model; the
request is otherwise passed through as it is, and botocore validates it against the same model before sending.

``on_event`` starts the change and returns at once; ``is_complete`` polls ``GetAgentRuntime`` until the runtime (at
the version that ``on_event`` created) is ``READY``, or is gone after a delete, with its log groups. Failure is a
raised exception whose message CloudFormation shows in the stack events.

Faults are part of the lifecycle. A delete refused because the runtime is busy or the service is throttling is asked
again on every poll until the Provider's total timeout. A create whose answer never arrived is found again by name
and by the create token of the request that made it (``ownership``), so that no runtime is left that CloudFormation
does not know of; a runtime this stack did not create is never adopted or deleted, even one carrying copies of this
stack's owner tags.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

try:  # imported as part of the ``infra`` package (the CDK app, the tests)
    from . import errors, ownership, runtime_log_groups
    from . import properties as p
except ImportError:  # the Lambda bundle's root is this directory
    import errors  # type: ignore[no-redef]
    import ownership  # type: ignore[no-redef]
    import properties as p  # type: ignore[no-redef]
    import runtime_log_groups  # type: ignore[no-redef]

LOGGER = logging.getLogger(__name__)
LOGGER.setLevel(logging.INFO)

SERVICE = "bedrock-agentcore-control"
ROLE_RETRY_DELAYS = (2.0, 4.0, 8.0, 16.0, 30.0)
"""Seconds to wait before each new try of a create refused because the new role is not usable yet (~1 min in all)."""

UNCONFIRMED_PREFIX = "AgentCoreRuntime::UNCONFIRMED_CREATE::"
"""Physical id of a create that got no answer, followed by its clientToken. The framework drops the rollback's Delete
for its own CREATE_FAILED marker without calling the handler; this id reaches the handler, which finds the runtime."""
_UNCONFIRMED_REASON = "UnconfirmedCreateReason"
_SETTLING = frozenset({"CREATING", "UPDATING"})

AwsError = (ClientError, BotoCoreError)
Client = Any
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Clients:
    """The two services the handler calls: AgentCore's control plane and CloudWatch Logs (the runtime's log groups)."""

    control: Client
    logs: Client

    @classmethod
    def default(cls) -> Clients:
        """Clients whose standard retries back off on throttling and transient errors before the handler sees them.

        The timeouts are short enough that on_event ends well inside its Lambda timeout.
        """
        config = Config(connect_timeout=5, read_timeout=30, retries={"mode": "standard", "max_attempts": 8})
        return cls(control=boto3.client(SERVICE, config=config), logs=boto3.client("logs", config=config))


class UnconfirmedCreateError(RuntimeError):
    """``CreateAgentRuntime`` got no answer and no runtime of this resource turned up: it may exist all the same."""


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
    def stack_id(self) -> str:
        """The stack's ARN, unique to this stack for ever (a stack created again under the same name has another)."""
        return self._raw["StackId"]

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

    @property
    def unconfirmed_id(self) -> str:
        """Physical id for a create whose outcome is unknown: the rollback's Delete finds the runtime by its token."""
        return f"{UNCONFIRMED_PREFIX}{self.client_token}"

    @property
    def owner(self) -> dict[str, str]:
        """The tags that mark a runtime as this resource's."""
        return ownership.owner_tags(self.stack_id, self.logical_id)

    @property
    def name(self) -> str:
        """The desired runtime name."""
        return self.properties[p.AGENT_RUNTIME_NAME]


def on_event(
    event: Mapping[str, Any], context: Any = None, *, clients: Clients | None = None, sleep: Sleep = time.sleep
) -> dict[str, Any]:
    """Start the create, update or delete that the event asks for."""
    cfn = CfnEvent(event)
    clients = clients or Clients.default()
    LOGGER.info(
        "on_event | request_type=<%s>, logical_id=<%s>, physical_id=<%s>, request_id=<%s>",
        cfn.request_type,
        cfn.logical_id,
        cfn.physical_id,
        cfn.request_id,
    )
    if cfn.request_type == "Create":
        return _create(cfn, clients.control, sleep)
    if cfn.request_type == "Update":
        return _update(cfn, clients.control, sleep)
    if cfn.request_type == "Delete":
        return _delete(cfn, clients.control)
    raise ValueError(f"unknown RequestType {cfn.request_type!r}")


def is_complete(event: Mapping[str, Any], context: Any = None, *, clients: Clients | None = None) -> dict[str, Any]:
    """Say whether the change that ``on_event`` started is finished; raise when the service reports it failed.

    Throttling, server faults and lost answers mean "not yet": the Provider asks again until its total timeout.
    """
    cfn = CfnEvent(event)
    clients = clients or Clients.default()
    try:
        if cfn.request_type == "Delete":
            return _deletion_settled(cfn, clients)
        return _change_settled(cfn, clients)
    except AwsError as error:
        if not errors.is_transient(error):
            raise
        LOGGER.warning("is_complete | physical_id=<%s>, error=<%s> | asking again next poll", cfn.physical_id, error)
        return {"IsComplete": False}


def _create(cfn: CfnEvent, control: Client, sleep: Sleep) -> dict[str, Any]:
    try:
        return _create_or_adopt(cfn, control, sleep)
    except UnconfirmedCreateError as error:
        # Raising would leave the framework's CREATE_FAILED marker as the physical id, and the framework answers the
        # rollback's Delete for that marker itself: a runtime the service created anyway would be orphaned. This id
        # fails in is_complete instead, and the rollback's Delete brings it back here.
        LOGGER.error("create | physical_id=<%s>, error=<%s> | outcome unknown, failing", cfn.unconfirmed_id, error)
        return {"PhysicalResourceId": cfn.unconfirmed_id, "Data": {_UNCONFIRMED_REASON: str(error)}}


def _create_or_adopt(
    cfn: CfnEvent, control: Client, sleep: Sleep, replacing: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Create the runtime; on a name conflict or a lost answer, take over the runtime this request created, if any.

    When the new runtime replaces ``replacing`` (a rename), each is tagged with a reference to the other, so that a
    rollback of the rename can tell its own runtimes from any other: ``replacing`` with this create's token before
    the create, the new runtime with the id of ``replacing``.
    """
    request = _request(control, "CreateAgentRuntime", cfn.properties)
    tags = {**ownership.user_tags(cfn.properties), **cfn.owner, p.CREATE_TOKEN_TAG: cfn.client_token}
    if replacing is not None:
        control.tag_resource(resourceArn=replacing["agentRuntimeArn"], tags={p.REPLACEMENT_TOKEN_TAG: cfn.client_token})
        tags[p.REPLACES_TAG] = replacing["agentRuntimeId"]
    request[p.TAGS] = tags
    request[p.CLIENT_TOKEN] = cfn.client_token
    try:
        response = _retry_while_role_not_ready(sleep, lambda: control.create_agent_runtime(**request))
    except AwsError as error:
        if errors.code(error) != "ConflictException" and not errors.is_unconfirmed(error):
            raise
        return _adopt(cfn, control, sleep, error)
    LOGGER.info("create | runtime_id=<%s>, status=<%s>", response["agentRuntimeId"], response["status"])
    return _result(response)


def _adopt(cfn: CfnEvent, control: Client, sleep: Sleep, error: Exception) -> dict[str, Any]:
    unconfirmed = errors.is_unconfirmed(error)
    try:
        owned = ownership.find_owned(control, cfn.name, cfn.owner, create_token=cfn.client_token)
        runtime = owned and control.get_agent_runtime(**{p.AGENT_RUNTIME_ID: owned["agentRuntimeId"]})
    except AwsError as lookup_error:
        if unconfirmed:
            raise UnconfirmedCreateError(_unconfirmed_message(cfn, error, lookup_error)) from lookup_error
        raise
    if not runtime:
        if unconfirmed:
            raise UnconfirmedCreateError(_unconfirmed_message(cfn, error, None)) from error
        raise RuntimeError(
            f"an AgentCore runtime named {cfn.name!r} already exists and this stack did not create it ({error}). "
            "Pick another runtime name, or delete that runtime if nothing uses it."
        ) from error
    LOGGER.warning(
        "create | runtime_id=<%s>, status=<%s>, reason=<%s> | taking over the runtime this request created",
        runtime["agentRuntimeId"],
        runtime["status"],
        error,
    )
    if runtime["status"] == "CREATING":
        # A create of this resource still under way (this very request's, answered too late): nothing to change.
        return _result(runtime)
    return _update_in_place(cfn, control, sleep, runtime)


def _unconfirmed_message(cfn: CfnEvent, error: Exception, lookup_error: Exception | None) -> str:
    looked = (
        f"looking it up failed too ({lookup_error})" if lookup_error else "no runtime this request made has its name"
    )
    return (
        f"CreateAgentRuntime for {cfn.name!r} got no answer ({error}) and {looked}. If the service created it all the "
        f"same, the rollback deletes it (tag {p.CREATE_TOKEN_TAG}={cfn.client_token}); deploy again once AWS answers."
    )


def _update(cfn: CfnEvent, control: Client, sleep: Sleep) -> dict[str, Any]:
    current = _describe(control, cfn.physical_id)
    if current is None:
        LOGGER.info("update | physical_id=<%s> | no such runtime, creating it", cfn.physical_id)
        return _create_or_adopt(cfn, control, sleep)
    replaced = sorted(key for key in _replacing(control) if cfn.properties.get(key) != current.get(key))
    if replaced:
        # The name is compared with the service's, not with OldResourceProperties: when a rename fails, the rollback
        # asks for the old name on the old id, which exists under that name and must be updated, not re-created.
        # A new runtime replaces this one; CloudFormation deletes the old id once the whole update has succeeded.
        previous = _replaced_runtime(cfn, control, current)
        if previous is not None:
            # The rollback of a rename that succeeded: back to the runtime the rename replaced, which still exists.
            LOGGER.info("update | runtime_id=<%s> | returning to the runtime it replaced", previous["agentRuntimeId"])
            return _update_in_place(cfn, control, sleep, previous)
        LOGGER.info("update | runtime_id=<%s>, changed=<%s> | create-only, replacing", cfn.physical_id, replaced)
        return _create_or_adopt(cfn, control, sleep, replacing=current)
    abandoned = _abandoned_by_failed_rename(cfn, control, current)
    result = _update_in_place(cfn, control, sleep, current)
    if abandoned:
        result["Data"][p.ATTR_ABANDONED_ID] = abandoned
    return result


def _update_in_place(cfn: CfnEvent, control: Client, sleep: Sleep, runtime: Mapping[str, Any]) -> dict[str, Any]:
    runtime_id = runtime["agentRuntimeId"]
    create_only = _create_only(control)
    configuration = {key: value for key, value in cfn.properties.items() if key not in create_only}
    request = _request(control, "UpdateAgentRuntime", configuration)
    request[p.AGENT_RUNTIME_ID] = runtime_id
    request[p.CLIENT_TOKEN] = cfn.client_token
    desired_tags = {**ownership.user_tags(cfn.properties), **cfn.owner}
    ownership.sync_tags(control, runtime["agentRuntimeArn"], desired_tags, cfn.old_properties.get(p.TAGS) or {})
    response = _retry_while_role_not_ready(sleep, lambda: control.update_agent_runtime(**request))
    LOGGER.info(
        "update | runtime_id=<%s>, version=<%s>, status=<%s>",
        response["agentRuntimeId"],
        response["agentRuntimeVersion"],
        response["status"],
    )
    return _result(response)


def _replaced_runtime(cfn: CfnEvent, control: Client, current: Mapping[str, Any]) -> dict[str, Any] | None:
    """The runtime ``current`` replaced when a rename created it, if it still exists under the desired name.

    Only a rollback asks for that name again on ``current``: the rename succeeded, then another resource failed.
    ``current`` is this resource's by CloudFormation's record, so the id it names is a runtime of this resource.
    """
    replaced_id = ownership.tags_of(control, current["agentRuntimeArn"]).get(p.REPLACES_TAG)
    if not replaced_id or not ownership.carries(control, _arn_beside(current, replaced_id), cfn.owner):
        return None
    previous = _read(control, replaced_id)
    return previous if previous is not None and previous["agentRuntimeName"] == cfn.name else None


def _abandoned_by_failed_rename(cfn: CfnEvent, control: Client, current: Mapping[str, Any]) -> str | None:
    """The runtime a failed rename created that CloudFormation never learned of, if this is that rename's rollback.

    In an ordinary update the runtime has the name OldResourceProperties give. When it does not, this update is the
    rollback of a rename whose create failed after the service made the runtime (its answer lost, or the runtime
    failed to settle). Before that create, the rename wrote its create token on this runtime: the runtime of that
    name carrying it is the create's, and nothing else would ever delete it.
    """
    old_name = cfn.old_properties.get(p.AGENT_RUNTIME_NAME)
    if not old_name or old_name == current["agentRuntimeName"]:
        return None
    token = ownership.tags_of(control, current["agentRuntimeArn"]).get(p.REPLACEMENT_TOKEN_TAG)
    if token is None:
        return None
    found = ownership.find_owned(control, old_name, cfn.owner, create_token=token, exclude_id=current["agentRuntimeId"])
    if found is None:
        return None
    LOGGER.warning("update | abandoned_id=<%s> | deleting the runtime of the failed rename", found["agentRuntimeId"])
    _request_delete(control, found["agentRuntimeId"])
    return found["agentRuntimeId"]


def _delete(cfn: CfnEvent, control: Client) -> dict[str, Any]:
    runtime_id = cfn.physical_id if _is_runtime_id(control, cfn.physical_id) else _unconfirmed_runtime(cfn, control)
    if runtime_id is None:
        LOGGER.info("delete | physical_id=<%s> | no runtime was created, nothing to delete", cfn.physical_id)
        return {"PhysicalResourceId": cfn.physical_id}
    _request_delete(control, runtime_id)
    # The physical id must not change on delete; is_complete learns which runtime to wait for from Data.
    return {"PhysicalResourceId": cfn.physical_id, "Data": {p.ATTR_ID: runtime_id}}


def _unconfirmed_runtime(cfn: CfnEvent, control: Client) -> str | None:
    """The runtime that the create behind an unconfirmed physical id made after all: its name, owner and token."""
    if not cfn.physical_id.startswith(UNCONFIRMED_PREFIX):
        return None
    token = cfn.physical_id.removeprefix(UNCONFIRMED_PREFIX)
    found = ownership.find_owned(control, cfn.name, cfn.owner, create_token=token)
    if found is not None:
        LOGGER.warning("delete | runtime_id=<%s> | the unconfirmed create made it, deleting", found["agentRuntimeId"])
    return found["agentRuntimeId"] if found else None


def _request_delete(control: Client, runtime_id: str) -> None:
    """Ask for the deletion; a busy runtime or a throttling service is asked again by ``is_complete``."""
    try:
        control.delete_agent_runtime(**{p.AGENT_RUNTIME_ID: runtime_id})
    except AwsError as error:
        if errors.is_not_found(error) or _denied_because_gone(control, runtime_id, error):
            LOGGER.info("delete | runtime_id=<%s> | already gone", runtime_id)
        elif errors.is_busy(error) or errors.is_transient(error):
            LOGGER.warning("delete | runtime_id=<%s>, error=<%s> | refused for now, asking again", runtime_id, error)
        else:
            raise


def _deletion_settled(cfn: CfnEvent, clients: Clients) -> dict[str, Any]:
    runtime_id = cfn.data.get(p.ATTR_ID)
    return {"IsComplete": runtime_id is None or _gone(clients, runtime_id)}


def _gone(clients: Clients, runtime_id: str) -> bool:
    """Whether ``runtime_id`` and its log groups are gone; drives its deletion a step further when not."""
    runtime = _read(clients.control, runtime_id)
    if runtime is None:
        runtime_log_groups.delete_runtime_log_groups(clients.logs, runtime_id)
        return True
    status = runtime["status"]
    if status == "DELETE_FAILED":
        reason = runtime.get("failureReason") or "the service gave no failureReason"
        raise RuntimeError(f"AgentCore runtime {runtime_id} DELETE_FAILED: {reason}")
    if status != "DELETING":
        # A delete refused while the runtime was busy, or never answered: ask again now that it may have settled.
        _request_delete(clients.control, runtime_id)
    LOGGER.info("is_complete | runtime_id=<%s>, status=<%s> | waiting for deletion", runtime_id, status)
    return False


def _change_settled(cfn: CfnEvent, clients: Clients) -> dict[str, Any]:
    runtime_id = cfn.physical_id
    if not _is_runtime_id(clients.control, runtime_id):
        raise RuntimeError(cfn.data.get(_UNCONFIRMED_REASON) or f"{runtime_id!r} is not an AgentCore runtime id")
    abandoned = cfn.data.get(p.ATTR_ABANDONED_ID)
    if abandoned and not _gone(clients, abandoned):
        return {"IsComplete": False}

    request = {p.AGENT_RUNTIME_ID: runtime_id}
    version = cfn.data.get(p.ATTR_VERSION)
    if version:
        request[p.AGENT_RUNTIME_VERSION] = version
    runtime = clients.control.get_agent_runtime(**request)
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


def _describe(control: Client, runtime_id: str) -> dict[str, Any] | None:
    """The runtime ``runtime_id`` as the service has it; None when it holds no such runtime."""
    if not _is_runtime_id(control, runtime_id):
        return None
    return _read(control, runtime_id)


def _read(control: Client, runtime_id: str) -> dict[str, Any] | None:
    """``GetAgentRuntime``; None when the runtime does not exist."""
    try:
        return control.get_agent_runtime(**{p.AGENT_RUNTIME_ID: runtime_id})
    except ClientError as error:
        if errors.is_not_found(error) or _denied_because_gone(control, runtime_id, error):
            return None
        raise


def _denied_because_gone(control: Client, runtime_id: str, error: Exception) -> bool:
    """Whether IAM refused a call on ``runtime_id`` because the runtime no longer exists.

    The handler reaches a runtime only through its owner tag, a condition on ``aws:ResourceTag``; a runtime that is
    gone has no tag to match, so IAM may deny the call before the service can answer "not found".
    ``ListAgentRuntimes`` needs no permission on the runtime: one it does not list is gone, one it lists was really
    refused.
    """
    if not errors.is_access_denied(error) or ownership.is_listed(control, runtime_id):
        return False
    LOGGER.info("runtime_id=<%s> | denied, and not listed: gone", runtime_id)
    return True


def _retry_while_role_not_ready(sleep: Sleep, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """IAM is eventually consistent: a role created seconds ago may not be assumable by the service yet."""
    for delay in (*ROLE_RETRY_DELAYS, None):
        try:
            return call()
        except ClientError as error:
            if delay is None or not errors.is_role_not_ready(error):
                raise
            LOGGER.warning("role not usable yet, retrying | delay=<%s>, error=<%s>", delay, error)
            sleep(delay)
    raise AssertionError("unreachable: the last try raises or returns")


def _create_only(control: Client) -> frozenset[str]:
    """Parameters ``CreateAgentRuntime`` takes and ``UpdateAgentRuntime`` does not (name and tags, today)."""
    model = control.meta.service_model
    create = model.operation_model("CreateAgentRuntime").input_shape.members
    update = model.operation_model("UpdateAgentRuntime").input_shape.members
    return frozenset(create) - frozenset(update)


def _replacing(control: Client) -> frozenset[str]:
    """Create-only parameters whose change needs a new runtime (tags change in place, through TagResource)."""
    return _create_only(control) - {p.TAGS, p.CLIENT_TOKEN}


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


def _arn_beside(runtime: Mapping[str, Any], runtime_id: str) -> str:
    """The ARN of runtime ``runtime_id`` in the account and Region of ``runtime``."""
    return f"{runtime['agentRuntimeArn'].rsplit('/', 1)[0]}/{runtime_id}"


def _is_runtime_id(client: Client, value: str) -> bool:
    shape = client.meta.service_model.operation_model("GetAgentRuntime").input_shape.members[p.AGENT_RUNTIME_ID]
    return re.fullmatch(shape.metadata["pattern"], value or "") is not None


def _without_service_token(properties: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in properties.items() if key != "ServiceToken"}
