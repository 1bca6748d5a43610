"""Which runtimes this resource owns, told by the tags the handler writes, and keeping the user's tags in line.

``CreateAgentRuntime`` takes ``tags`` and ``UpdateAgentRuntime`` does not: tags change through ``TagResource`` and
``UntagResource``. The owner tags (stack id, logical id) mark this resource's runtimes, but anyone allowed to tag a
runtime can copy them; so a runtime CloudFormation never learned the id of (a create whose answer was lost) is found
by its name, the owner tags and the create token of the request that made it, which no one knows in advance.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

try:  # imported as part of the ``infra`` package (the CDK app, the tests)
    from . import errors
    from . import properties as p
except ImportError:  # the Lambda bundle's root is this directory
    import errors  # type: ignore[no-redef]
    import properties as p  # type: ignore[no-redef]

LOGGER = logging.getLogger(__name__)

Client = Any


def owner_tags(stack_id: str, logical_id: str) -> dict[str, str]:
    """The tags that mark a runtime as created by resource ``logical_id`` of stack ``stack_id`` (a unique ARN)."""
    return {p.OWNER_STACK_TAG: stack_id, p.OWNER_LOGICAL_ID_TAG: logical_id}


def user_tags(properties: Mapping[str, Any]) -> dict[str, str]:
    """The template's ``tags``; refuses the handler's own keys, which would let a template forge ownership."""
    tags = dict(properties.get(p.TAGS) or {})
    reserved = p.HANDLER_TAGS.intersection(tags)
    if reserved:
        raise ValueError(f"tags must not set {sorted(reserved)}: the handler writes them to recognise its runtimes")
    return tags


def find_owned(
    control: Client,
    name: str,
    owner: Mapping[str, str],
    *,
    create_token: str,
    exclude_id: str | None = None,
) -> dict[str, Any] | None:
    """The runtime named ``name`` that carries ``owner`` and ``create_token``; None if there is none.

    Names are unique in an account and Region, so at most one runtime matches; its tags decide whether it is the one
    the request behind ``create_token`` created. Owner tags without that token prove nothing: they can be copied.
    """
    for summary in _runtimes(control):
        if summary["agentRuntimeName"] != name or summary["agentRuntimeId"] == exclude_id:
            continue
        if carries(control, summary["agentRuntimeArn"], {**owner, p.CREATE_TOKEN_TAG: create_token}):
            return summary
        LOGGER.info(
            "operation=<find_owned>, runtime_id=<%s> | has the name, not this request's tags", summary["agentRuntimeId"]
        )
    return None


def carries(control: Client, runtime_arn: str, expected: Mapping[str, str]) -> bool:
    """Whether the runtime has every one of the ``expected`` tags, with its value."""
    tags = tags_of(control, runtime_arn)
    return all(tags.get(key) == value for key, value in expected.items())


def is_listed(control: Client, runtime_id: str) -> bool:
    """Whether ``runtime_id`` exists (in any status): ``ListAgentRuntimes`` needs no permission on the runtime."""
    return any(summary["agentRuntimeId"] == runtime_id for summary in _runtimes(control))


def tags_of(control: Client, runtime_arn: str) -> dict[str, str]:
    """The runtime's tags; none when IAM refuses to show them, or the runtime is gone.

    The handler may read the tags of a runtime only when it carries this stack's owner tag (a condition on
    ``aws:ResourceTag``): a runtime whose tags it may not read lacks that tag, and is not this stack's.
    """
    try:
        return control.list_tags_for_resource(resourceArn=runtime_arn).get("tags", {})
    except ClientError as error:
        if not errors.is_access_denied(error) and not errors.is_not_found(error):
            raise
        LOGGER.info(
            "operation=<tags_of>, runtime_arn=<%s>, error=<%s> | no tags to read: not this stack's", runtime_arn, error
        )
        return {}


def sync_tags(control: Client, runtime_arn: str, desired: Mapping[str, str], previous: Mapping[str, str]) -> None:
    """Make the runtime's tags ``desired``: set what differs, remove what ``previous`` had and ``desired`` drops.

    Tags someone added outside the template are left alone. The bookkeeping tags (create and replacement tokens) go
    with the first update: from then on CloudFormation knows the runtime by its id.
    """
    current = control.list_tags_for_resource(resourceArn=runtime_arn).get("tags", {})
    changed = {key: value for key, value in desired.items() if current.get(key) != value}
    dropped = sorted(key for key in current if key not in desired and (key in previous or key in p.BOOKKEEPING_TAGS))
    if changed:
        control.tag_resource(resourceArn=runtime_arn, tags=changed)
    if dropped:
        control.untag_resource(resourceArn=runtime_arn, tagKeys=dropped)
    LOGGER.info(
        "operation=<sync_tags>, runtime_arn=<%s>, set=<%s>, removed=<%s> | tags as the template has them",
        runtime_arn,
        sorted(changed),
        dropped,
    )


def _runtimes(control: Client) -> Iterator[dict[str, Any]]:
    for page in control.get_paginator("list_agent_runtimes").paginate():
        yield from page.get("agentRuntimes", [])
