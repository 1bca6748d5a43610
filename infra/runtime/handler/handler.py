"""Custom-resource handler for ``Custom::AgentCoreRuntime`` and ``Custom::AgentCoreRuntimeEndpoint``.

These are the ``on_event`` and ``is_complete`` of a CDK Provider; an endpoint's requests go to ``endpoints``, a
runtime's as follows. ``on_event`` starts the change the request asks for (``changes``) and returns at once;
``is_complete`` polls ``GetAgentRuntime`` until the runtime (at the version that ``on_event`` created) is ``READY``, or
is gone after a delete, with its log groups (``runtime_log_groups``). Failure is a raised exception whose message
CloudFormation shows in the stack events. A delete refused because the runtime is busy or the service is throttling is
asked again on every poll; shortly before the Provider's total timeout (``GIVE_UP_AFTER_SECONDS``), is_complete gives up
with a reason that names the runtime, its status and the command that deletes it later, which the framework's own
timeout ("Operation timed out") would not.

The resource properties are ``CreateAgentRuntime``'s own parameters, converted from CloudFormation's strings by the
service model (``service_model``) and otherwise passed through; botocore validates them against the same model.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

try:  # imported as part of the ``infra`` package (the CDK app, the tests)
    from . import changes, endpoints, errors, runtime_log_groups, runtimes, service_model
    from . import properties as p
    from .event import CfnEvent
except ImportError:  # the Lambda bundle's root is this directory
    import changes  # type: ignore[no-redef]
    import endpoints  # type: ignore[no-redef]
    import errors  # type: ignore[no-redef]
    import properties as p  # type: ignore[no-redef]
    import runtime_log_groups  # type: ignore[no-redef]
    import runtimes  # type: ignore[no-redef]
    import service_model  # type: ignore[no-redef]
    from event import CfnEvent  # type: ignore[no-redef]

LOGGER = logging.getLogger(__name__)
LOGGER.setLevel(logging.INFO)

SERVICE = "bedrock-agentcore-control"
Client = Any
Clock = Callable[[], float]


@dataclass(frozen=True)
class Clients:
    """The two services the handler calls: AgentCore's control plane and CloudWatch Logs (the runtime's log groups)."""

    control: Client
    logs: Client


def default_clients() -> Clients:
    """Clients whose standard retries back off on throttling and transient errors before the handler sees them.

    The timeouts are short enough that on_event ends well inside its Lambda timeout.
    """
    config = Config(connect_timeout=5, read_timeout=30, retries={"mode": "standard", "max_attempts": 8})
    return Clients(control=boto3.client(SERVICE, config=config), logs=boto3.client("logs", config=config))


def on_event(
    event: Mapping[str, Any],
    context: Any = None,
    *,
    clients: Clients | None = None,
    sleep: changes.Sleep = time.sleep,
    clock: Clock = time.time,
) -> dict[str, Any]:
    """Start the create, update or delete that the event asks for."""
    cfn = CfnEvent.of(event)
    clients = clients or default_clients()
    LOGGER.info(
        "operation=<on_event>, request_type=<%s>, logical_id=<%s>, physical_id=<%s>, request_id=<%s> | starting",
        cfn.request_type,
        cfn.logical_id,
        cfn.physical_id,
        cfn.request_id,
    )
    if cfn.resource_type == p.ENDPOINT_RESOURCE_TYPE:
        return _endpoint_change(cfn, clients.control, clock)
    if cfn.request_type == "Create":
        return changes.create(cfn, clients.control, sleep)
    if cfn.request_type == "Update":
        return changes.update(cfn, clients.control, sleep)
    if cfn.request_type == "Delete":
        return changes.delete(cfn, clients.control, clock())
    raise ValueError(f"unknown RequestType {cfn.request_type!r}")


def _endpoint_change(cfn: CfnEvent, control: Client, clock: Clock) -> dict[str, Any]:
    if cfn.request_type == "Create":
        return endpoints.create(cfn, control)
    if cfn.request_type == "Update":
        return endpoints.update(cfn, control)
    if cfn.request_type == "Delete":
        return endpoints.delete(cfn, control, clock())
    raise ValueError(f"unknown RequestType {cfn.request_type!r}")


def give_up_after() -> float | None:
    """Seconds after which a deletion is given up (the provider sets ``GIVE_UP_AFTER_SECONDS``); None: never."""
    seconds = os.environ.get(p.GIVE_UP_AFTER_ENV)
    return float(seconds) if seconds else None


def is_complete(
    event: Mapping[str, Any],
    context: Any = None,
    *,
    clients: Clients | None = None,
    clock: Clock = time.time,
    deadline: float | None = None,
) -> dict[str, Any]:
    """Say whether the change that ``on_event`` started is finished; raise when the service reports it failed.

    Throttling, server faults and lost answers mean "not yet": the Provider asks again. A deletion still not done
    ``deadline`` seconds (default: ``give_up_after()``) after on_event asked for it fails with what is left.
    """
    cfn = CfnEvent.of(event)
    clients = clients or default_clients()
    try:
        if cfn.request_type == "Delete":
            overdue = _overdue(cfn, clock, give_up_after() if deadline is None else deadline)
            return {"IsComplete": _deleted(cfn, clients, overdue)}
        if cfn.resource_type == p.ENDPOINT_RESOURCE_TYPE:
            return endpoints.settled(cfn, clients.control)
        return _change_settled(cfn, clients)
    except runtimes.AwsError as error:
        if not errors.is_transient(error):
            raise
        LOGGER.warning(
            "operation=<is_complete>, physical_id=<%s>, error=<%s> | asking again next poll", cfn.physical_id, error
        )
        return {"IsComplete": False}


def _overdue(cfn: CfnEvent, clock: Clock, deadline: float | None) -> float | None:
    """Minutes spent asking for the deletion once past ``deadline`` seconds, else None (go on asking)."""
    requested_at = cfn.data.get(p.ATTR_DELETE_REQUESTED_AT)
    if deadline is None or requested_at is None:
        return None
    elapsed = clock() - float(requested_at)
    return elapsed / 60 if elapsed >= deadline else None


def _deleted(cfn: CfnEvent, clients: Clients, overdue: float | None) -> bool:
    """Whether what on_event asked to delete is gone (nothing was asked when Data names nothing)."""
    if cfn.resource_type == p.ENDPOINT_RESOURCE_TYPE:
        endpoint_arn = cfn.data.get(p.ATTR_ENDPOINT_ARN)
        return endpoint_arn is None or _endpoint_gone(clients, endpoint_arn, overdue)
    runtime_id = cfn.data.get(p.ATTR_ID)
    return runtime_id is None or _gone(clients, runtime_id, overdue)


def _endpoint_gone(clients: Clients, endpoint_arn: str, overdue: float | None) -> bool:
    """Whether the endpoint and its log group are gone; drives its deletion a step further when not."""
    runtime_id, name = endpoints.identity(endpoint_arn)
    endpoint = endpoints.read(clients.control, runtime_id, name)
    if endpoint is None:
        runtime_log_groups.delete_endpoint_log_group(clients.logs, runtime_id, name)
        return True
    status = endpoint["status"]
    what = f"endpoint {name} of AgentCore runtime {runtime_id}"
    command = endpoints.delete_command(runtime_id, name, clients.control.meta.region_name)
    _fail_if_stuck(what, status, endpoint.get("failureReason"), overdue, command)
    if status != "DELETING":
        endpoints.request_delete(clients.control, runtime_id, name)
    LOGGER.info("operation=<is_complete>, endpoint_arn=<%s>, status=<%s> | waiting for deletion", endpoint_arn, status)
    return False


def _fail_if_stuck(what: str, status: str, failure: str | None, overdue: float | None, command: str) -> None:
    """Raise when the service failed a deletion, or when the time to wait for it is up.

    Raises:
        RuntimeError: What is left, its status, and the command that deletes it later.
    """
    if status == "DELETE_FAILED":
        raise RuntimeError(f"{what} DELETE_FAILED: {failure or 'the service gave no failureReason'}")
    if overdue is not None:
        raise RuntimeError(
            f"{what} is still {status} after {overdue:.0f} minutes of asking to delete it, and CloudFormation stops "
            f"waiting for it now. Once it has settled, delete it with: {command} (or run make destroy again)"
        )


def _gone(clients: Clients, runtime_id: str, overdue: float | None = None) -> bool:
    """Whether ``runtime_id`` and its log groups are gone; drives its deletion a step further when not.

    Raises:
        RuntimeError: The service failed the deletion, or ``overdue`` says the time to wait for it is up: the
            message names the runtime, its status and the command that deletes it later.
    """
    runtime = runtimes.read(clients.control, runtime_id)
    if runtime is None:
        runtime_log_groups.delete_runtime_log_groups(clients.logs, runtime_id)
        return True
    status = runtime["status"]
    command = runtimes.delete_command(runtime_id, clients.control.meta.region_name)
    _fail_if_stuck(f"AgentCore runtime {runtime_id}", status, runtime.get("failureReason"), overdue, command)
    if status != "DELETING":
        # A delete refused while the runtime was busy, or never answered: ask again now that it may have settled.
        runtimes.request_delete(clients.control, runtime_id)
    LOGGER.info("operation=<is_complete>, runtime_id=<%s>, status=<%s> | waiting for deletion", runtime_id, status)
    return False


def _change_settled(cfn: CfnEvent, clients: Clients) -> dict[str, Any]:
    runtime_id = cfn.physical_id
    if not service_model.is_runtime_id(clients.control, runtime_id):
        raise RuntimeError(cfn.data.get(changes.UNCONFIRMED_REASON) or f"{runtime_id!r} is not an AgentCore runtime id")
    abandoned = cfn.data.get(p.ATTR_ABANDONED_ID)
    if abandoned and not _gone(clients, abandoned):
        return {"IsComplete": False}

    request = {p.AGENT_RUNTIME_ID: runtime_id}
    version = cfn.data.get(p.ATTR_VERSION)
    if version:
        request[p.AGENT_RUNTIME_VERSION] = version
    runtime = clients.control.get_agent_runtime(**request)
    status = runtime["status"]
    LOGGER.info(
        "operation=<is_complete>, runtime_id=<%s>, version=<%s>, status=<%s> | polled", runtime_id, version, status
    )
    if status.endswith("_FAILED"):
        reason = runtime.get("failureReason") or "the service gave no failureReason"
        raise RuntimeError(
            f"AgentCore runtime {runtime_id} (version {runtime['agentRuntimeVersion']}) {status}: {reason}"
        )
    if status != "READY":
        return {"IsComplete": False}
    return {"IsComplete": True, "Data": runtimes.attributes(runtime)}
