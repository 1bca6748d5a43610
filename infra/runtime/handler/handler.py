"""Custom-resource handler for ``Custom::AgentCoreRuntime``: the ``on_event`` and ``is_complete`` of a CDK Provider.

``on_event`` starts the change the request asks for (``changes``) and returns at once; ``is_complete`` polls
``GetAgentRuntime`` until the runtime (at the version that ``on_event`` created) is ``READY``, or is gone after a
delete, with its log groups (``runtime_log_groups``). Failure is a raised exception whose message CloudFormation
shows in the stack events. A delete refused because the runtime is busy or the service is throttling is asked again
on every poll until the Provider's total timeout.

The resource properties are ``CreateAgentRuntime``'s own parameters, converted from CloudFormation's strings by the
service model (``service_model``) and otherwise passed through; botocore validates them against the same model.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

try:  # imported as part of the ``infra`` package (the CDK app, the tests)
    from . import changes, errors, runtime_log_groups, runtimes, service_model
    from . import properties as p
    from .event import CfnEvent
except ImportError:  # the Lambda bundle's root is this directory
    import changes  # type: ignore[no-redef]
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
    event: Mapping[str, Any], context: Any = None, *, clients: Clients | None = None, sleep: changes.Sleep = time.sleep
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
    if cfn.request_type == "Create":
        return changes.create(cfn, clients.control, sleep)
    if cfn.request_type == "Update":
        return changes.update(cfn, clients.control, sleep)
    if cfn.request_type == "Delete":
        return changes.delete(cfn, clients.control)
    raise ValueError(f"unknown RequestType {cfn.request_type!r}")


def is_complete(event: Mapping[str, Any], context: Any = None, *, clients: Clients | None = None) -> dict[str, Any]:
    """Say whether the change that ``on_event`` started is finished; raise when the service reports it failed.

    Throttling, server faults and lost answers mean "not yet": the Provider asks again until its total timeout.
    """
    cfn = CfnEvent.of(event)
    clients = clients or default_clients()
    try:
        if cfn.request_type == "Delete":
            return _deletion_settled(cfn, clients)
        return _change_settled(cfn, clients)
    except runtimes.AwsError as error:
        if not errors.is_transient(error):
            raise
        LOGGER.warning(
            "operation=<is_complete>, physical_id=<%s>, error=<%s> | asking again next poll", cfn.physical_id, error
        )
        return {"IsComplete": False}


def _deletion_settled(cfn: CfnEvent, clients: Clients) -> dict[str, Any]:
    runtime_id = cfn.data.get(p.ATTR_ID)
    return {"IsComplete": runtime_id is None or _gone(clients, runtime_id)}


def _gone(clients: Clients, runtime_id: str) -> bool:
    """Whether ``runtime_id`` and its log groups are gone; drives its deletion a step further when not."""
    runtime = runtimes.read(clients.control, runtime_id)
    if runtime is None:
        runtime_log_groups.delete_runtime_log_groups(clients.logs, runtime_id)
        return True
    status = runtime["status"]
    if status == "DELETE_FAILED":
        reason = runtime.get("failureReason") or "the service gave no failureReason"
        raise RuntimeError(f"AgentCore runtime {runtime_id} DELETE_FAILED: {reason}")
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
