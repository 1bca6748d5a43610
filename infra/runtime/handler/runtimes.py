"""One runtime as the service has it: read it, ask for its deletion, and tell one that is gone from one kept away.

The handler reaches a runtime only through its owner tag, a condition on ``aws:ResourceTag``; a runtime that is gone
has no tag to match, so IAM may deny a call on it before the service can answer "not found".
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

try:  # imported as part of the ``infra`` package (the CDK app, the tests)
    from . import errors, ownership, service_model
    from . import properties as p
except ImportError:  # the Lambda bundle's root is this directory
    import errors  # type: ignore[no-redef]
    import ownership  # type: ignore[no-redef]
    import properties as p  # type: ignore[no-redef]
    import service_model  # type: ignore[no-redef]

LOGGER = logging.getLogger(__name__)
LOGGER.setLevel(logging.INFO)

AwsError = errors.AWS_ERRORS
Client = Any


def describe(control: Client, runtime_id: str) -> dict[str, Any] | None:
    """The runtime ``runtime_id`` as the service has it; None when it holds no such runtime."""
    if not service_model.is_runtime_id(control, runtime_id):
        return None
    return read(control, runtime_id)


def read(control: Client, runtime_id: str) -> dict[str, Any] | None:
    """``GetAgentRuntime``; None when the runtime does not exist."""
    try:
        return control.get_agent_runtime(**{p.AGENT_RUNTIME_ID: runtime_id})
    except ClientError as error:
        if errors.is_not_found(error) or denied_because_gone(control, runtime_id, error):
            return None
        raise


def denied_because_gone(control: Client, runtime_id: str, error: Exception) -> bool:
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


def request_delete(control: Client, runtime_id: str) -> None:
    """Ask for the deletion; a busy runtime or a throttling service is asked again by ``is_complete``."""
    try:
        control.delete_agent_runtime(**{p.AGENT_RUNTIME_ID: runtime_id})
    except AwsError as error:
        if errors.is_not_found(error) or denied_because_gone(control, runtime_id, error):
            LOGGER.info("operation=<delete>, runtime_id=<%s> | already gone", runtime_id)
        elif errors.is_busy(error) or errors.is_transient(error):
            LOGGER.warning(
                "operation=<delete>, runtime_id=<%s>, error=<%s> | refused for now, asking again", runtime_id, error
            )
        else:
            raise


def delete_command(runtime_id: str, region: str) -> str:
    """The AWS CLI command that deletes runtime ``runtime_id``, for a user to run once the handler has given up."""
    return f"aws bedrock-agentcore-control delete-agent-runtime --agent-runtime-id {runtime_id} --region {region}"


def result(response: Mapping[str, Any]) -> dict[str, Any]:
    """What ``on_event`` answers for the runtime the service described: its id, and its attributes as ``Data``."""
    return {"PhysicalResourceId": response["agentRuntimeId"], "Data": attributes(response)}


def attributes(response: Mapping[str, Any]) -> dict[str, str]:
    """The resource's attributes (``Fn::GetAtt``) from the service's description of the runtime."""
    return {
        p.ATTR_ARN: response["agentRuntimeArn"],
        p.ATTR_ID: response["agentRuntimeId"],
        p.ATTR_VERSION: response["agentRuntimeVersion"],
    }


def arn_beside(runtime: Mapping[str, Any], runtime_id: str) -> str:
    """The ARN of runtime ``runtime_id`` in the account and Region of ``runtime``."""
    return f"{runtime['agentRuntimeArn'].rsplit('/', 1)[0]}/{runtime_id}"
