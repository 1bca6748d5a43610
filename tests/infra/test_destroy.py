"""``make destroy`` reports what it removed: CloudFormation and CloudWatch Logs behind Stubbers, ``cdk`` injected."""

import io
from datetime import UTC, datetime

import pytest

from infra import destroy
from infra.runtime.handler.properties import RESOURCE_TYPE
from tests.infra.conftest import ACCOUNT, REGION

STACK = "AgentCoreStreamingAgent"
STACK_ID = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{STACK}/0a1b2c3d-0000-0000-0000-000000000000"
RUNTIME_ID = "agentcore_streaming_agent-AbCdEf1234"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def summary(logical_id, resource_type, physical_id):
    return {
        "LogicalResourceId": logical_id,
        "PhysicalResourceId": physical_id,
        "ResourceType": resource_type,
        "LastUpdatedTimestamp": NOW,
        "ResourceStatus": "CREATE_COMPLETE",
    }


REMOTE_BUILD_RESOURCES = [
    summary("AgentRuntime917DDB48", RESOURCE_TYPE, RUNTIME_ID),
    summary("AgentImageRepository11C788CD", "AWS::ECR::Repository", "agentcoretest-agentimagerepository"),
    summary("AgentImageBuild8DE30D9A", "Custom::CDKContainerImageBuild", "5c45-0f3e"),
]
LOCAL_BUILD_RESOURCES = [summary("AgentRuntime917DDB48", RESOURCE_TYPE, RUNTIME_ID)]


class Cdk:
    """Stands in for ``npx cdk destroy``: records each command and exits with ``status``."""

    def __init__(self, status=0):
        self.status = status
        self.commands = []

    def __call__(self, command):
        self.commands.append(list(command))
        return self.status


@pytest.fixture
def aws(stubbed_clients):
    """CloudFormation and CloudWatch Logs clients with Stubbers."""
    return stubbed_clients("cloudformation", "logs")


def stack_exists(stubber, status="CREATE_COMPLETE"):
    stubber.add_response(
        "describe_stacks",
        {"Stacks": [{"StackId": STACK_ID, "StackName": STACK, "CreationTime": NOW, "StackStatus": status}]},
        {"StackName": STACK},
    )


def stack_gone(stubber):
    stubber.add_client_error(
        "describe_stacks", "ValidationError", f"Stack with id {STACK} does not exist", 400, {"StackName": STACK}
    )


def lists(stubber, resources):
    stubber.add_response("list_stack_resources", {"StackResourceSummaries": resources}, {"StackName": STACK})


def log_groups(stubber, names):
    stubber.add_response(
        "describe_log_groups",
        {"logGroups": [{"logGroupName": name} for name in names]},
        {"logGroupNamePrefix": f"/aws/bedrock-agentcore/runtimes/{RUNTIME_ID}-"},
    )


def run(clients, cdk, args=()):
    out = io.StringIO()
    status = destroy.destroy(
        STACK, list(args), cloudformation=clients["cloudformation"], logs=clients["logs"], run=cdk, out=out
    )
    return status, out.getvalue()


def listed_before_destroy(stubbers, resources):
    """The stack exists and lists ``resources`` before ``cdk destroy`` runs."""
    stack_exists(stubbers["cloudformation"])
    lists(stubbers["cloudformation"], resources)


def gone_after_destroy(stubbers, groups=()):
    """After ``cdk destroy`` the stack is gone and the runtime's log groups ``groups`` are left."""
    stack_gone(stubbers["cloudformation"])
    log_groups(stubbers["logs"], list(groups))


def test_destroy__prints_every_resource_removed_once_the_stack_is_gone(aws):
    stubbers, clients = aws
    listed_before_destroy(stubbers, REMOTE_BUILD_RESOURCES)
    gone_after_destroy(stubbers)
    cdk = Cdk()

    status, out = run(clients, cdk, ["-c", "stackName=x"])

    assert status == 0
    assert cdk.commands == [["npx", "cdk", "destroy", "--force", "-c", "stackName=x"]]
    assert f"removed stack {STACK} and its 3 resources:" in out
    for resource in REMOTE_BUILD_RESOURCES:
        line = next(line for line in out.splitlines() if resource["LogicalResourceId"] in line)
        assert line.split() == [resource["ResourceType"], resource["LogicalResourceId"], resource["PhysicalResourceId"]]
    assert f"the runtime's log groups /aws/bedrock-agentcore/runtimes/{RUNTIME_ID}-*: none left" in out


def test_destroy__names_a_runtime_log_group_left_behind_and_the_command_that_removes_it(aws):
    stubbers, clients = aws
    group = f"/aws/bedrock-agentcore/runtimes/{RUNTIME_ID}-DEFAULT"
    listed_before_destroy(stubbers, REMOTE_BUILD_RESOURCES)
    gone_after_destroy(stubbers, [group])

    status, out = run(clients, Cdk())

    assert status == 0
    assert f"left behind: log group {group}. Remove: aws logs delete-log-group --log-group-name {group}" in out


@pytest.mark.parametrize(
    ("resources", "image_left"),
    [(LOCAL_BUILD_RESOURCES, True), (REMOTE_BUILD_RESOURCES, False)],
    ids=["local build: in the bootstrap repository", "remote build: gone with the stack's repository"],
)
def test_destroy__says_whether_the_agent_image_stays_and_how_to_remove_unused_assets(aws, resources, image_left):
    stubbers, clients = aws
    listed_before_destroy(stubbers, resources)
    gone_after_destroy(stubbers)

    _, out = run(clients, Cdk())

    assert ("and the agent image" in out) is image_left
    assert f"npx cdk gc aws://{ACCOUNT}/{REGION} --unstable=gc" in out


STUCK_REASON = (
    f"AgentCore runtime {RUNTIME_ID} is still UPDATING after 30 minutes of asking to delete it, and CloudFormation "
    "stops waiting for it now. Once it has settled, delete it with: aws bedrock-agentcore-control "
    f"delete-agent-runtime --agent-runtime-id {RUNTIME_ID} --region {REGION} (or run make destroy again)"
)


def stack_event(logical_id, resource_type, status, reason=None):
    event = {
        "StackId": STACK_ID,
        "EventId": f"{logical_id}-{status}",
        "StackName": STACK,
        "LogicalResourceId": logical_id,
        "ResourceType": resource_type,
        "Timestamp": NOW,
        "ResourceStatus": status,
    }
    return {**event, "ResourceStatusReason": reason} if reason else event


def delete_events(stubber):
    """The last delete failed on the runtime, with the handler's reason; an earlier delete failed on the image."""
    events = [
        stack_event(STACK, "AWS::CloudFormation::Stack", "DELETE_FAILED", "The following resource(s) failed to delete"),
        stack_event("AgentRuntime917DDB48", RESOURCE_TYPE, "DELETE_FAILED", STUCK_REASON),
        stack_event("AgentRuntime917DDB48", RESOURCE_TYPE, "DELETE_IN_PROGRESS"),
        stack_event(STACK, "AWS::CloudFormation::Stack", "DELETE_IN_PROGRESS", "User Initiated"),
        stack_event("AgentImageBuild8DE30D9A", "Custom::CDKContainerImageBuild", "DELETE_FAILED", "an older delete"),
    ]
    stubber.add_response("describe_stack_events", {"StackEvents": events}, {"StackName": STACK})


@pytest.mark.parametrize(
    ("cdk_status", "still_there", "says"),
    [(1, False, "cdk destroy failed (exit 1)"), (0, True, f"stack {STACK} still exists (DELETE_FAILED)")],
    ids=["cdk destroy failed", "the stack is still there"],
)
def test_destroy__a_stack_not_gone_is_reported_with_the_reason_of_each_resource_left_and_nothing_as_removed(
    aws, cdk_status, still_there, says
):
    stubbers, clients = aws
    listed_before_destroy(stubbers, REMOTE_BUILD_RESOURCES)
    if still_there:
        stack_exists(stubbers["cloudformation"], status="DELETE_FAILED")
    delete_events(stubbers["cloudformation"])

    status, out = run(clients, Cdk(status=cdk_status))

    assert status == 1
    assert says in out
    assert f"describe-stack-events --stack-name {STACK}" in out
    assert f"destroy: AgentRuntime917DDB48 ({RESOURCE_TYPE}) was not deleted: {STUCK_REASON}" in out
    assert "an older delete" not in out
    assert "removed stack" not in out


def test_destroy__stack_events_it_may_not_read_are_said_so(aws):
    stubbers, clients = aws
    listed_before_destroy(stubbers, REMOTE_BUILD_RESOURCES)
    stubbers["cloudformation"].add_client_error("describe_stack_events", "AccessDenied", "not allowed", 403)

    status, out = run(clients, Cdk(status=1))

    assert status == 1
    assert "could not read the stack events" in out


def test_destroy__names_the_runtimes_security_group_it_keeps_and_the_command_that_removes_it_later(aws):
    stubbers, clients = aws
    group = "sg-0fedcba9876543210"
    resources = [
        *REMOTE_BUILD_RESOURCES,
        summary("NetworkRuntimeSecurityGroupE8C6AA86", "AWS::EC2::SecurityGroup", group),
        summary("NetworkEndpointSecurityGroup7A30837F", "AWS::EC2::SecurityGroup", "sg-0123456789abcdef0"),
    ]
    listed_before_destroy(stubbers, resources)
    gone_after_destroy(stubbers)

    _, out = run(clients, Cdk())

    assert f"kept: the runtime's security group {group}" in out
    assert f"aws ec2 delete-security-group --group-id {group}" in out
    assert "sg-0123456789abcdef0." not in out and "--group-id sg-0123456789abcdef0" not in out


def test_destroy__no_stack_means_nothing_to_do_and_cdk_is_not_run(aws):
    stubbers, clients = aws
    stack_gone(stubbers["cloudformation"])
    cdk = Cdk()

    status, out = run(clients, cdk)

    assert status == 0
    assert cdk.commands == []
    assert f"there is no stack {STACK}" in out


def test_main__destroys_the_stack_named_in_the_cdk_arguments(monkeypatch, aws_config):
    called = {}

    def fake_destroy(stack_name, cdk_args, **clients):
        called.update(stack_name=stack_name, cdk_args=cdk_args)
        return 0

    monkeypatch.setattr(destroy, "destroy", fake_destroy)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)

    assert destroy.main(["-c", "stackName=Other"]) == 0
    assert called == {"stack_name": "Other", "cdk_args": ["-c", "stackName=Other"]}


def test_main__calls_cloudformation_and_logs_in_the_region_of_aws_region_alone(monkeypatch, aws_config):
    called = {}

    def fake_destroy(stack_name, cdk_args, **clients):
        called.update({name: client.meta.region_name for name, client in clients.items()})
        return 0

    monkeypatch.setattr(destroy, "destroy", fake_destroy)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")

    assert destroy.main([]) == 0
    assert called == {"cloudformation": "eu-west-1", "logs": "eu-west-1"}
