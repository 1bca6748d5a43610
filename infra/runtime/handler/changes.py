"""The change each CloudFormation request starts: create (or take over) a runtime, update or replace it, delete it.

Faults are part of the lifecycle. A create whose answer never arrived is found again by name and by the create token
of the request that made it (``ownership``), so that no runtime is left that CloudFormation does not know of; a runtime
this stack did not create is never adopted or deleted, even one carrying copies of this stack's owner tags. A rename
creates the new runtime and leaves the old one for CloudFormation's cleanup, writing on each the reference a rollback
needs to find the other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import ClientError

try:  # imported as part of the ``infra`` package (the CDK app, the tests)
    from . import errors, ownership, runtimes, service_model
    from . import properties as p
    from .event import CfnEvent
except ImportError:  # the Lambda bundle's root is this directory
    import errors  # type: ignore[no-redef]
    import ownership  # type: ignore[no-redef]
    import properties as p  # type: ignore[no-redef]
    import runtimes  # type: ignore[no-redef]
    import service_model  # type: ignore[no-redef]
    from event import CfnEvent  # type: ignore[no-redef]

LOGGER = logging.getLogger(__name__)
LOGGER.setLevel(logging.INFO)

ROLE_RETRY_DELAYS = (2.0, 4.0, 8.0, 16.0, 30.0)
"""Seconds to wait before each new try of a create refused because the new role is not usable yet (~1 min in all)."""
UNCONFIRMED_REASON = "UnconfirmedCreateReason"
"""``Data`` key of an unconfirmed create's failure, which ``is_complete`` raises for CloudFormation to show."""

AwsError = runtimes.AwsError
Client = Any
Sleep = Callable[[float], None]


class UnconfirmedCreateError(RuntimeError):
    """``CreateAgentRuntime`` may have been carried out, and no runtime of this resource turned up to say so.

    Its last answer was none, throttling or a server fault, after botocore's retries of an attempt that may have
    taken effect: the runtime may exist all the same.
    """


def create(cfn: CfnEvent, control: Client, sleep: Sleep) -> dict[str, Any]:
    """Create the runtime, or take over the one this very request created; an unknown outcome fails in is_complete."""
    try:
        return _create_or_adopt(cfn, control, sleep)
    except UnconfirmedCreateError as error:
        # Raising would leave the framework's CREATE_FAILED marker as the physical id, and the framework answers the
        # rollback's Delete for that marker itself: a runtime the service created anyway would be orphaned. This id
        # fails in is_complete instead, and the rollback's Delete brings it back here.
        LOGGER.error(
            "operation=<create>, physical_id=<%s>, error=<%s> | outcome unknown, failing", cfn.unconfirmed_id, error
        )
        return {"PhysicalResourceId": cfn.unconfirmed_id, "Data": {UNCONFIRMED_REASON: str(error)}}


def _create_or_adopt(
    cfn: CfnEvent, control: Client, sleep: Sleep, replacing: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Create the runtime; on a name conflict or a lost answer, take over the runtime this request created, if any.

    When the new runtime replaces ``replacing`` (a rename), each is tagged with a reference to the other, so that a
    rollback of the rename can tell its own runtimes from any other: ``replacing`` with this create's token before
    the create, the new runtime with the id of ``replacing``.
    """
    request = service_model.request(control, "CreateAgentRuntime", cfn.properties)
    tags = {**ownership.user_tags(cfn.properties), **cfn.owner, p.CREATE_TOKEN_TAG: cfn.client_token}
    if replacing is not None:
        control.tag_resource(resourceArn=replacing["agentRuntimeArn"], tags={p.REPLACEMENT_TOKEN_TAG: cfn.client_token})
        tags[p.REPLACES_TAG] = replacing["agentRuntimeId"]
    request[p.TAGS] = tags
    request[p.CLIENT_TOKEN] = cfn.client_token
    try:
        response = _retry_while_role_not_ready(sleep, lambda: control.create_agent_runtime(**request))
    except AwsError as error:
        if errors.code(error) != "ConflictException" and not errors.is_transient(error):
            raise
        return _adopt(cfn, control, sleep, error)
    LOGGER.info(
        "operation=<create>, runtime_id=<%s>, status=<%s> | created", response["agentRuntimeId"], response["status"]
    )
    return runtimes.result(response)


def _adopt(cfn: CfnEvent, control: Client, sleep: Sleep, error: Exception) -> dict[str, Any]:
    unconfirmed = errors.is_transient(error)  # throttled or failed after an attempt that may have taken effect
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
        "operation=<create>, runtime_id=<%s>, status=<%s>, reason=<%s> | taking over the runtime this request created",
        runtime["agentRuntimeId"],
        runtime["status"],
        error,
    )
    if runtime["status"] == "CREATING":
        # A create of this resource still under way (this very request's, answered too late): nothing to change.
        return runtimes.result(runtime)
    return _update_in_place(cfn, control, sleep, runtime)


def _unconfirmed_message(cfn: CfnEvent, error: Exception, lookup_error: Exception | None) -> str:
    looked = (
        f"looking it up failed too ({lookup_error})" if lookup_error else "no runtime this request made has its name"
    )
    return (
        f"CreateAgentRuntime for {cfn.name!r} got no answer it can trust ({error}) and {looked}. If the service "
        f"created it all the same, the rollback deletes it (tag {p.CREATE_TOKEN_TAG}={cfn.client_token}); deploy "
        "again once AWS answers."
    )


def update(cfn: CfnEvent, control: Client, sleep: Sleep) -> dict[str, Any]:
    """Update the runtime in place, or replace it when a create-only parameter (its name) changes."""
    current = runtimes.describe(control, cfn.physical_id)
    if current is None:
        LOGGER.info("operation=<update>, physical_id=<%s> | no such runtime, creating it", cfn.physical_id)
        return _create_or_adopt(cfn, control, sleep)
    replaced = sorted(key for key in service_model.replacing(control) if cfn.properties.get(key) != current.get(key))
    if replaced:
        # The name is compared with the service's, not with OldResourceProperties: when a rename fails, the rollback
        # asks for the old name on the old id, which exists under that name and must be updated, not re-created.
        # A new runtime replaces this one; CloudFormation deletes the old id once the whole update has succeeded.
        previous = _replaced_runtime(cfn, control, current)
        if previous is not None:
            # The rollback of a rename that succeeded: back to the runtime the rename replaced, which still exists.
            LOGGER.info(
                "operation=<update>, runtime_id=<%s> | returning to the runtime it replaced", previous["agentRuntimeId"]
            )
            return _update_in_place(cfn, control, sleep, previous)
        LOGGER.info(
            "operation=<update>, runtime_id=<%s>, changed=<%s> | create-only, replacing", cfn.physical_id, replaced
        )
        return _create_or_adopt(cfn, control, sleep, replacing=current)
    abandoned = _abandoned_by_failed_rename(cfn, control, current)
    result = _update_in_place(cfn, control, sleep, current)
    if abandoned:
        result["Data"][p.ATTR_ABANDONED_ID] = abandoned
    return result


def _update_in_place(cfn: CfnEvent, control: Client, sleep: Sleep, runtime: Mapping[str, Any]) -> dict[str, Any]:
    runtime_id = runtime["agentRuntimeId"]
    create_only = service_model.create_only(control)
    configuration = {key: value for key, value in cfn.properties.items() if key not in create_only}
    request = service_model.request(control, "UpdateAgentRuntime", configuration)
    request[p.AGENT_RUNTIME_ID] = runtime_id
    request[p.CLIENT_TOKEN] = cfn.client_token
    desired_tags = {**ownership.user_tags(cfn.properties), **cfn.owner}
    ownership.sync_tags(control, runtime["agentRuntimeArn"], desired_tags, cfn.old_properties.get(p.TAGS) or {})
    response = _retry_while_role_not_ready(sleep, lambda: control.update_agent_runtime(**request))
    LOGGER.info(
        "operation=<update>, runtime_id=<%s>, version=<%s>, status=<%s> | updated in place",
        response["agentRuntimeId"],
        response["agentRuntimeVersion"],
        response["status"],
    )
    return runtimes.result(response)


def _replaced_runtime(cfn: CfnEvent, control: Client, current: Mapping[str, Any]) -> dict[str, Any] | None:
    """The runtime ``current`` replaced when a rename created it, if it still exists under the desired name.

    Only a rollback asks for that name again on ``current``: the rename succeeded, then another resource failed.
    ``current`` is this resource's by CloudFormation's record, so the id it names is a runtime of this resource.
    """
    replaced_id = ownership.tags_of(control, current["agentRuntimeArn"]).get(p.REPLACES_TAG)
    if not replaced_id or not ownership.carries(control, runtimes.arn_beside(current, replaced_id), cfn.owner):
        return None
    previous = runtimes.read(control, replaced_id)
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
    LOGGER.warning(
        "operation=<update>, abandoned_id=<%s> | deleting the runtime of the failed rename", found["agentRuntimeId"]
    )
    runtimes.request_delete(control, found["agentRuntimeId"])
    return found["agentRuntimeId"]


def delete(cfn: CfnEvent, control: Client, now: float) -> dict[str, Any]:
    """Ask for the deletion of the runtime, or of the one an unconfirmed create made; is_complete waits for it.

    ``now`` (Unix time) goes to is_complete in Data: how long it has been asking, for its deadline.
    """
    runtime_id = (
        cfn.physical_id if service_model.is_runtime_id(control, cfn.physical_id) else _unconfirmed_runtime(cfn, control)
    )
    if runtime_id is None:
        LOGGER.info("operation=<delete>, physical_id=<%s> | no runtime was created, nothing to delete", cfn.physical_id)
        return {"PhysicalResourceId": cfn.physical_id}
    runtimes.request_delete(control, runtime_id)
    return cfn.deleting({p.ATTR_ID: runtime_id}, now)


def _unconfirmed_runtime(cfn: CfnEvent, control: Client) -> str | None:
    """The runtime that the create behind an unconfirmed physical id made after all: its name, owner and token."""
    token = cfn.created_token
    if token is None:
        return None
    found = ownership.find_owned(control, cfn.name, cfn.owner, create_token=token)
    if found is not None:
        LOGGER.warning(
            "operation=<delete>, runtime_id=<%s> | the unconfirmed create made it, deleting", found["agentRuntimeId"]
        )
    return found["agentRuntimeId"] if found else None


def _retry_while_role_not_ready(sleep: Sleep, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """IAM is eventually consistent: a role created seconds ago may not be assumable by the service yet."""
    for delay in (*ROLE_RETRY_DELAYS, None):
        try:
            return call()
        except ClientError as error:
            if delay is None or not errors.is_role_not_ready(error):
                raise
            LOGGER.warning("delay=<%s>, error=<%s> | role not usable yet, retrying", delay, error)
            sleep(delay)
    raise AssertionError("unreachable: the last try raises or returns")
