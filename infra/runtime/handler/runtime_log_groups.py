"""Delete the log groups AgentCore created for a runtime: the service leaves them behind when the runtime goes."""

from __future__ import annotations

import logging
from typing import Any

try:  # imported as part of the ``infra`` package (the CDK app, the tests)
    from . import errors
    from . import properties as p
except ImportError:  # the Lambda bundle's root is this directory
    import errors  # type: ignore[no-redef]
    import properties as p  # type: ignore[no-redef]

LOGGER = logging.getLogger(__name__)

Client = Any


def runtime_log_group_prefix(runtime_id: str) -> str:
    """``/aws/bedrock-agentcore/runtimes/<runtimeId>-``: one group per endpoint follows (``DEFAULT`` and any other)."""
    return f"{p.RUNTIME_LOG_GROUP_PREFIX}{runtime_id}-"


def delete_runtime_log_groups(logs: Client, runtime_id: str) -> list[str]:
    """Delete every log group of ``runtime_id`` the handler may delete; one already gone counts as deleted.

    Returns the names deleted; a group the handler may not delete is logged with the command that removes it.

    Throttling and other errors propagate: the caller asks again on its next poll, and what is deleted stays deleted.
    """
    pages = logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=runtime_log_group_prefix(runtime_id))
    names = [group["logGroupName"] for page in pages for group in page.get("logGroups", [])]
    return [name for name in names if _delete(logs, name)]


def delete_endpoint_log_group(logs: Client, runtime_id: str, endpoint_name: str) -> None:
    """Delete the log group AgentCore created for one endpoint of a runtime that stays; one already gone is fine."""
    _delete(logs, f"{runtime_log_group_prefix(runtime_id)}{endpoint_name}")


def _delete(logs: Client, name: str) -> bool:
    """Delete log group ``name``; True once it is gone, False when the handler may not (it logs the command then)."""
    try:
        logs.delete_log_group(logGroupName=name)
    except Exception as error:
        if errors.is_access_denied(error):
            # The handler may delete the log groups of the template's current runtime name only: those of a
            # runtime of an earlier name (after a rename) stay. The runtime is gone; failing would not help.
            LOGGER.warning(
                "operation=<delete_log_group>, log_group=<%s> | not allowed, left in place; remove it with: "
                "aws logs delete-log-group --log-group-name %s",
                name,
                name,
            )
            return False
        if not errors.is_not_found(error):
            raise
    LOGGER.info("operation=<delete_log_group>, log_group=<%s> | deleted", name)
    return True
