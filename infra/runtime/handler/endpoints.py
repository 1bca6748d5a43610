"""The change each request starts for a ``Custom::AgentCoreRuntimeEndpoint``, and when it is done.

An endpoint is known by its runtime and its name, so its physical id is its ARN; a new runtime (a rename) or a new
name is a new endpoint, and CloudFormation deletes the old one. The faults of the runtime resource are met the same
way (``changes``): every endpoint the handler creates carries the owner tags and the create token of the request that
made it, so a create whose answer is lost (or throttled, or a server fault, after an attempt that may have taken
effect) finds its endpoint again, or fails with a physical id that lets the rollback delete exactly that one; an
endpoint of the name that this stack did not create is never taken over. A version change writes the version the
endpoint served before on it (``PREVIOUS_VERSION_TAG``), which ``python -m client rollback`` goes back to.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

try:  # imported as part of the ``infra`` package (the CDK app, the tests)
    from . import errors, ownership, service_model
    from . import properties as p
    from .event import CfnEvent
except ImportError:  # the Lambda bundle's root is this directory
    import errors  # type: ignore[no-redef]
    import ownership  # type: ignore[no-redef]
    import properties as p  # type: ignore[no-redef]
    import service_model  # type: ignore[no-redef]
    from event import CfnEvent  # type: ignore[no-redef]

LOGGER = logging.getLogger(__name__)
LOGGER.setLevel(logging.INFO)

UNCONFIRMED_REASON = "UnconfirmedEndpointReason"
"""``Data`` key of an unconfirmed create's failure, which ``is_complete`` raises for CloudFormation to show."""

AwsError = errors.AWS_ERRORS
Client = Any
Endpoint = tuple[str, str]
"""``(agentRuntimeId, endpoint name)``: what names an endpoint in every call."""


class UnconfirmedCreateError(RuntimeError):
    """``CreateAgentRuntimeEndpoint`` may have been carried out, and no endpoint of this request turned up."""


def identity(arn: str) -> Endpoint:
    """The runtime id and endpoint name of an endpoint ARN (``…:runtime/<id>/runtime-endpoint/<name>``)."""
    runtime_part, _, name = arn.partition("/runtime-endpoint/")
    return runtime_part.rsplit("/", 1)[1], name


def desired(cfn: CfnEvent) -> Endpoint:
    """The endpoint the request's properties describe."""
    return cfn.properties[p.AGENT_RUNTIME_ID], cfn.properties[p.ENDPOINT_NAME]


def create(cfn: CfnEvent, control: Client) -> dict[str, Any]:
    """Create the endpoint, or take over the one this very request created; an unknown outcome fails in is_complete."""
    try:
        return _create_or_adopt(cfn, control)
    except UnconfirmedCreateError as error:
        # As for a runtime: the framework's own CREATE_FAILED marker would make it drop the rollback's Delete.
        LOGGER.error(
            "operation=<create_endpoint>, physical_id=<%s>, error=<%s> | outcome unknown", cfn.unconfirmed_id, error
        )
        return {"PhysicalResourceId": cfn.unconfirmed_id, "Data": {UNCONFIRMED_REASON: str(error)}}


def _create_or_adopt(cfn: CfnEvent, control: Client) -> dict[str, Any]:
    request = service_model.request(control, "CreateAgentRuntimeEndpoint", cfn.properties, p.ENDPOINT_HANDLER_OWNED)
    request[p.TAGS] = {**cfn.owner, p.CREATE_TOKEN_TAG: cfn.client_token}
    request[p.CLIENT_TOKEN] = cfn.client_token
    try:
        response = control.create_agent_runtime_endpoint(**request)
    except AwsError as error:
        if errors.code(error) != "ConflictException" and not errors.is_transient(error):
            raise
        return _adopt(cfn, control, error)
    LOGGER.info(
        "operation=<create_endpoint>, endpoint_arn=<%s>, version=<%s> | created",
        response["agentRuntimeEndpointArn"],
        response["targetVersion"],
    )
    return _result(response["agentRuntimeEndpointArn"])


def _adopt(cfn: CfnEvent, control: Client, error: Exception) -> dict[str, Any]:
    """Take over the endpoint of this name if this request made it; otherwise say why not."""
    unconfirmed = errors.is_transient(error)
    runtime_id, name = desired(cfn)
    try:
        found = read(control, runtime_id, name)
        made_here = found is not None and ownership.carries(
            control, found["agentRuntimeEndpointArn"], {**cfn.owner, p.CREATE_TOKEN_TAG: cfn.client_token}
        )
    except AwsError as lookup_error:
        if unconfirmed:
            raise UnconfirmedCreateError(_unconfirmed(cfn, error, lookup_error)) from lookup_error
        if not errors.is_access_denied(lookup_error):
            raise
        found, made_here = {}, False  # it exists (listed), and IAM keeps it out of reach: not this stack's
    if found is not None and made_here:
        LOGGER.warning(
            "operation=<create_endpoint>, endpoint_arn=<%s>, reason=<%s> | taking over the endpoint this request made",
            found["agentRuntimeEndpointArn"],
            error,
        )
        return _result(found["agentRuntimeEndpointArn"])
    if found is None and unconfirmed:
        raise UnconfirmedCreateError(_unconfirmed(cfn, error, None)) from error
    raise RuntimeError(
        f"runtime {runtime_id} already has an endpoint named {name!r} that this stack did not create ({error}). "
        "Pick another endpoint name, or delete that endpoint if nothing uses it."
    ) from error


def _unconfirmed(cfn: CfnEvent, error: Exception, lookup_error: Exception | None) -> str:
    runtime_id, name = desired(cfn)
    looked = f"looking it up failed too ({lookup_error})" if lookup_error else "no endpoint of that name exists"
    return (
        f"CreateAgentRuntimeEndpoint for {name!r} of runtime {runtime_id} got no answer it can trust ({error}) and "
        f"{looked}. If the service created it all the same, the rollback deletes it (tag "
        f"{p.CREATE_TOKEN_TAG}={cfn.client_token}); deploy again once AWS answers."
    )


def update(cfn: CfnEvent, control: Client) -> dict[str, Any]:
    """Move the endpoint to the version (and description) asked for; a new runtime or name is a new endpoint.

    When the endpoint the properties describe is not this physical id's but exists and is this stack's, this is the
    rollback of such a replacement: it is the one CloudFormation goes back to.
    """
    wanted = desired(cfn)
    current = identity(cfn.physical_id) if cfn.physical_id.startswith("arn:") else None
    found = read(control, *wanted)
    if current != wanted:
        if found is not None and ownership.carries(control, found["agentRuntimeEndpointArn"], cfn.owner):
            LOGGER.info("operation=<update_endpoint>, endpoint=<%s> | returning to the endpoint it replaced", wanted)
            return _update_in_place(cfn, control, found)
        LOGGER.info("operation=<update_endpoint>, from=<%s>, to=<%s> | a new endpoint", current, wanted)
        return _create_or_adopt(cfn, control)
    if found is None:
        LOGGER.info("operation=<update_endpoint>, endpoint=<%s> | no such endpoint, creating it", wanted)
        return _create_or_adopt(cfn, control)
    return _update_in_place(cfn, control, found)


def _update_in_place(cfn: CfnEvent, control: Client, endpoint: Mapping[str, Any]) -> dict[str, Any]:
    runtime_id, name = desired(cfn)
    request = service_model.request(
        control,
        "UpdateAgentRuntimeEndpoint",
        {key: value for key, value in cfn.properties.items() if key != p.ENDPOINT_NAME},
        p.ENDPOINT_HANDLER_OWNED,
    )
    request.update({p.AGENT_RUNTIME_ID: runtime_id, "endpointName": name, p.CLIENT_TOKEN: cfn.client_token})
    served = endpoint.get("liveVersion")
    moving = served is not None and served != request.get(p.AGENT_RUNTIME_VERSION)
    # The owner tags stay, the create token goes (as on a runtime), and a move records the version it leaves.
    tags = {**cfn.owner, **({p.PREVIOUS_VERSION_TAG: served} if moving else {})}
    ownership.sync_tags(control, endpoint["agentRuntimeEndpointArn"], tags, {})
    response = control.update_agent_runtime_endpoint(**request)
    LOGGER.info(
        "operation=<update_endpoint>, endpoint_arn=<%s>, from=<%s>, to=<%s> | updating",
        endpoint["agentRuntimeEndpointArn"],
        served,
        response.get("targetVersion"),
    )
    return _result(endpoint["agentRuntimeEndpointArn"])


def delete(cfn: CfnEvent, control: Client, now: float) -> dict[str, Any]:
    """Ask for the endpoint's deletion, or that of the one an unconfirmed create made; is_complete waits for it."""
    arn = cfn.physical_id if cfn.physical_id.startswith("arn:") else _unconfirmed_endpoint(cfn, control)
    if arn is None:
        LOGGER.info("operation=<delete_endpoint>, physical_id=<%s> | no endpoint was created", cfn.physical_id)
        return {"PhysicalResourceId": cfn.physical_id}
    request_delete(control, *identity(arn))
    return cfn.deleting({p.ATTR_ENDPOINT_ARN: arn}, now)


def _unconfirmed_endpoint(cfn: CfnEvent, control: Client) -> str | None:
    """The endpoint the create behind an unconfirmed physical id made after all: its name, owner and token."""
    token = cfn.created_token
    found = read(control, *desired(cfn)) if token else None
    arn = found["agentRuntimeEndpointArn"] if found else ""
    if not arn or not ownership.carries(control, arn, {**cfn.owner, p.CREATE_TOKEN_TAG: str(token)}):
        return None
    LOGGER.warning("operation=<delete_endpoint>, endpoint_arn=<%s> | the unconfirmed create made it, deleting", arn)
    return arn


def read(control: Client, runtime_id: str, name: str) -> dict[str, Any] | None:
    """``GetAgentRuntimeEndpoint``; None when the endpoint (or its runtime) does not exist."""
    try:
        return control.get_agent_runtime_endpoint(**{p.AGENT_RUNTIME_ID: runtime_id, "endpointName": name})
    except ClientError as error:
        if errors.is_not_found(error) or _denied_because_gone(control, runtime_id, name, error):
            return None
        raise


def request_delete(control: Client, runtime_id: str, name: str) -> None:
    """Ask for the deletion; a busy endpoint or a throttling service is asked again by ``is_complete``."""
    try:
        control.delete_agent_runtime_endpoint(**{p.AGENT_RUNTIME_ID: runtime_id, "endpointName": name})
    except AwsError as error:
        if errors.is_not_found(error) or _denied_because_gone(control, runtime_id, name, error):
            LOGGER.info("operation=<delete_endpoint>, runtime_id=<%s>, name=<%s> | already gone", runtime_id, name)
        elif errors.is_busy(error) or errors.is_transient(error):
            LOGGER.warning(
                "operation=<delete_endpoint>, runtime_id=<%s>, name=<%s>, error=<%s> | refused for now, asking again",
                runtime_id,
                name,
                error,
            )
        else:
            raise


def delete_command(runtime_id: str, name: str, region: str) -> str:
    """The AWS CLI command that deletes an endpoint, for a user to run once the handler has given up."""
    return (
        f"aws bedrock-agentcore-control delete-agent-runtime-endpoint --agent-runtime-id {runtime_id} "
        f"--endpoint-name {name} --region {region}"
    )


def _denied_because_gone(control: Client, runtime_id: str, name: str, error: Exception) -> bool:
    """Whether IAM refused a call on the endpoint because it (or its runtime) no longer carries this stack's tag.

    ``ListAgentRuntimeEndpoints`` needs no permission on the endpoint: one it does not list is gone, one it lists was
    really refused.
    """
    if not errors.is_access_denied(error):
        return False
    try:
        pages = control.get_paginator("list_agent_runtime_endpoints").paginate(**{p.AGENT_RUNTIME_ID: runtime_id})
        listed = any(endpoint["name"] == name for page in pages for endpoint in page.get("runtimeEndpoints", []))
    except ClientError as list_error:
        if not errors.is_not_found(list_error):
            raise
        listed = False  # the runtime itself is gone, and its endpoints with it
    return not listed


def settled(cfn: CfnEvent, control: Client) -> dict[str, Any]:
    """is_complete of a create or an update: done once the endpoint is READY at the version asked for.

    Raises:
        RuntimeError: The create's outcome is unknown, or the service reports the change failed.
    """
    if not cfn.physical_id.startswith("arn:"):
        raise RuntimeError(cfn.data.get(UNCONFIRMED_REASON) or f"{cfn.physical_id!r} is not an endpoint ARN")
    runtime_id, name = desired(cfn)
    endpoint = control.get_agent_runtime_endpoint(**{p.AGENT_RUNTIME_ID: runtime_id, "endpointName": name})
    status, live = endpoint["status"], endpoint.get("liveVersion")
    LOGGER.info("operation=<is_complete>, endpoint=<%s>, status=<%s>, live=<%s> | polled", name, status, live)
    if status.endswith("_FAILED"):
        reason = endpoint.get("failureReason") or "the service gave no failureReason"
        raise RuntimeError(f"endpoint {name} of AgentCore runtime {runtime_id} {status}: {reason}")
    wanted = str(cfn.properties.get(p.AGENT_RUNTIME_VERSION) or live)
    if status != "READY" or live != wanted:
        return {"IsComplete": False}
    return {
        "IsComplete": True,
        "Data": {p.ATTR_ENDPOINT_ARN: endpoint["agentRuntimeEndpointArn"], p.ATTR_LIVE_VERSION: live},
    }


def _result(arn: str) -> dict[str, Any]:
    return {"PhysicalResourceId": arn, "Data": {p.ATTR_ENDPOINT_ARN: arn}}
