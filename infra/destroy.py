"""``make destroy``: ``cdk destroy``, then what it removed and what, if anything, is left: ``python -m infra.destroy``.

A deleted stack no longer lists its resources, so they are read before ``cdk destroy`` runs and printed once
CloudFormation confirms the stack is gone. Arguments are the ones ``cdk destroy`` gets (``CDK_ARGS``).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from contract.agentcore import RUNTIME_LOG_GROUP_PREFIX
from infra.network_names import RUNTIME_SECURITY_GROUP, SECURITY_GROUP_TYPE
from infra.runtime.handler.properties import RESOURCE_TYPE as RUNTIME_RESOURCE_TYPE
from infra.settings import deployment_region, read_settings

Run = Callable[[Sequence[str]], int]
STACK_TYPE = "AWS::CloudFormation::Stack"


@dataclass(frozen=True)
class Removed:
    """One resource of the stack, as CloudFormation listed it before the stack was deleted."""

    resource_type: str
    logical_id: str
    physical_id: str


def _run(command: Sequence[str]) -> int:
    return subprocess.run(list(command), check=False).returncode  # noqa: S603 - the pinned CDK CLI, our arguments


def destroy(
    stack_name: str,
    cdk_args: Sequence[str],
    *,
    cloudformation: Any,
    logs: Any,
    run: Run = _run,
    out: TextIO = sys.stdout,
) -> int:
    """Destroy the stack with ``cdk destroy``; on success print each resource removed and anything left behind."""
    stack = _describe(cloudformation, stack_name)
    if stack is None:
        print(f"destroy: there is no stack {stack_name}; nothing to remove", file=out)
        return 0
    removed = _resources(cloudformation, stack_name)

    status = run(["npx", "cdk", "destroy", "--force", *cdk_args])
    if status != 0:
        print(
            f"destroy: cdk destroy failed (exit {status}); nothing is reported as removed. The stack events say why: "
            f"aws cloudformation describe-stack-events --stack-name {stack_name}",
            file=out,
        )
        _print_delete_failures(cloudformation, stack_name, out)
        return status
    remaining = _describe(cloudformation, stack_name)
    if remaining is not None:
        print(
            f"destroy: stack {stack_name} still exists ({remaining['StackStatus']}). "
            f"Fix: see aws cloudformation describe-stack-events --stack-name {stack_name}, then make destroy again",
            file=out,
        )
        _print_delete_failures(cloudformation, stack_name, out)
        return 1

    print(f"destroy: removed stack {stack_name} and its {len(removed)} resources:", file=out)
    for resource in sorted(removed, key=lambda r: (r.resource_type, r.logical_id)):
        print(f"  {resource.resource_type:<40} {resource.logical_id:<56} {resource.physical_id}", file=out)
    for line in _left_behind(stack["StackId"], removed, logs):
        print(f"destroy: {line}", file=out)
    return 0


def _describe(cloudformation: Any, stack_name: str) -> dict[str, Any] | None:
    """The stack, or None once it no longer exists (CloudFormation answers ValidationError "does not exist")."""
    try:
        (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as error:
        if "does not exist" in error.response.get("Error", {}).get("Message", ""):
            return None
        raise
    return None if stack["StackStatus"] == "DELETE_COMPLETE" else stack


def _print_delete_failures(cloudformation: Any, stack_name: str, out: TextIO) -> None:
    """Each resource the last stack delete failed on, with CloudFormation's reason.

    The runtime's handler says there which runtime is left, in what status, and the command that deletes it later.
    """
    try:
        failures = _delete_failures(cloudformation, stack_name)
    except (ClientError, BotoCoreError) as error:
        print(f"destroy: could not read the stack events ({error})", file=out)
        return
    for event in failures:
        print(
            f"destroy: {event['LogicalResourceId']} ({event['ResourceType']}) was not deleted: "
            f"{event.get('ResourceStatusReason', 'no reason given')}",
            file=out,
        )


def _delete_failures(cloudformation: Any, stack_name: str) -> list[dict[str, Any]]:
    """The DELETE_FAILED events of the stack's last delete (newest first), back to where that delete began."""
    failures = []
    for page in cloudformation.get_paginator("describe_stack_events").paginate(StackName=stack_name):
        for event in page["StackEvents"]:
            if event["ResourceType"] == STACK_TYPE:
                if event["ResourceStatus"] == "DELETE_IN_PROGRESS":
                    return failures
            elif event["ResourceStatus"] == "DELETE_FAILED":
                failures.append(event)
    return failures


def _resources(cloudformation: Any, stack_name: str) -> list[Removed]:
    pages = cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack_name)
    return [
        Removed(summary["ResourceType"], summary["LogicalResourceId"], summary.get("PhysicalResourceId", ""))
        for page in pages
        for summary in page["StackResourceSummaries"]
    ]


def _left_behind(stack_id: str, removed: list[Removed], logs: Any) -> list[str]:
    """What the stack did not own but made: the runtime's log groups, and the CDK assets of the deployment."""
    lines = []
    for runtime in (r for r in removed if r.resource_type == RUNTIME_RESOURCE_TYPE and r.physical_id):
        prefix = f"{RUNTIME_LOG_GROUP_PREFIX}{runtime.physical_id}-"
        try:
            pages = logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=prefix)
            groups = [group["logGroupName"] for page in pages for group in page["logGroups"]]
        except (ClientError, BotoCoreError) as error:
            lines.append(f"could not check the runtime's log groups {prefix}* ({error})")
            continue
        if not groups:
            lines.append(f"the runtime's log groups {prefix}*: none left")
        for group in groups:
            lines.append(f"left behind: log group {group}. Remove: aws logs delete-log-group --log-group-name {group}")
    kept = [r for r in removed if r.resource_type == SECURITY_GROUP_TYPE and RUNTIME_SECURITY_GROUP in r.logical_id]
    for group in kept:
        lines.append(
            f"kept: the runtime's security group {group.physical_id}, which AgentCore's network interfaces may still "
            "use for up to 8 hours after the runtime is deleted. Remove it once they are gone: aws ec2 "
            f"delete-security-group --group-id {group.physical_id}"
        )
    region, account = stack_id.split(":")[3:5]
    local_image = not any(r.resource_type == "AWS::ECR::Repository" for r in removed)
    assets = "the uploaded build context and handler code" + (" and the agent image" if local_image else "")
    lines.append(
        f"left in the CDK bootstrap bucket and repository (shared by every CDK app of the account): {assets}. "
        f"Remove the assets no stack uses: npx cdk gc aws://{account}/{region} --unstable=gc"
    )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Destroy the stack that ``cdk`` would destroy with these arguments, and report."""
    cdk_args = list(sys.argv[1:] if argv is None else argv)
    read = read_settings("destroy", cdk_args)
    if read is None:
        return 1
    context, settings = read
    # The stack's own Region (AWS_REGION included), not only boto3's: the preflight has checked this one.
    session = boto3.session.Session(region_name=deployment_region(context))
    return destroy(
        settings.stack_name,
        cdk_args,
        cloudformation=session.client("cloudformation"),
        logs=session.client("logs"),
    )


if __name__ == "__main__":
    sys.exit(main())
