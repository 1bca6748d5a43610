"""Which runtimes this resource owns, told by tags only the handler writes, and keeping the user's tags in line.

``CreateAgentRuntime`` takes ``tags`` and ``UpdateAgentRuntime`` does not: tags change through ``TagResource`` and
``UntagResource``. The owner tags (stack id, logical id) let the handler find a runtime by name when CloudFormation
never learned its id (a create whose answer was lost) and refuse any runtime it did not create.
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
    create_token: str | None = None,
    exclude_id: str | None = None,
) -> dict[str, Any] | None:
    """The runtime named ``name`` that carries ``owner`` (and ``create_token``, if given); None if there is none.

    Names are unique in an account and Region, so at most one runtime matches; its tags decide whether it is ours.
    """
    for summary in _runtimes(control):
        if summary["agentRuntimeName"] != name or summary["agentRuntimeId"] == exclude_id:
            continue
        tags = _tags_unless_denied(control, summary["agentRuntimeArn"])
        expected = dict(owner) if create_token is None else {**owner, p.CREATE_TOKEN_TAG: create_token}
        if all(tags.get(key) == value for key, value in expected.items()):
            return summary
        LOGGER.info("find_owned | runtime_id=<%s> | has the name, not this resource's tags", summary["agentRuntimeId"])
    return None


def is_listed(control: Client, runtime_id: str) -> bool:
    """Whether ``runtime_id`` exists (in any status): ``ListAgentRuntimes`` needs no permission on the runtime."""
    return any(summary["agentRuntimeId"] == runtime_id for summary in _runtimes(control))


def _tags_unless_denied(control: Client, runtime_arn: str) -> dict[str, str]:
    """The runtime's tags; none when IAM refuses to show them.

    The handler may read the tags of runtimes of the template's current name, and of any runtime carrying this
    stack's owner tag (a condition on ``aws:ResourceTag``). A runtime of another name whose tags it may not read
    therefore lacks that tag: not this stack's.
    """
    try:
        return control.list_tags_for_resource(resourceArn=runtime_arn).get("tags", {})
    except ClientError as error:
        if not errors.is_access_denied(error):
            raise
        LOGGER.info("find_owned | runtime_arn=<%s> | may not read its tags: not this stack's runtime", runtime_arn)
        return {}


def sync_tags(control: Client, runtime_arn: str, desired: Mapping[str, str], previous: Mapping[str, str]) -> None:
    """Make the runtime's tags ``desired``: set what differs, remove what ``previous`` had and ``desired`` drops.

    Tags someone added outside the template are left alone. The create-token tag goes with the first update: from
    then on CloudFormation knows the runtime by its id.
    """
    current = control.list_tags_for_resource(resourceArn=runtime_arn).get("tags", {})
    changed = {key: value for key, value in desired.items() if current.get(key) != value}
    dropped = sorted(key for key in current if key not in desired and (key in previous or key == p.CREATE_TOKEN_TAG))
    if changed:
        control.tag_resource(resourceArn=runtime_arn, tags=changed)
    if dropped:
        control.untag_resource(resourceArn=runtime_arn, tagKeys=dropped)
    LOGGER.info("sync_tags | runtime_arn=<%s>, set=<%s>, removed=<%s>", runtime_arn, sorted(changed), dropped)


def _runtimes(control: Client) -> Iterator[dict[str, Any]]:
    for page in control.get_paginator("list_agent_runtimes").paginate():
        yield from page.get("agentRuntimes", [])
