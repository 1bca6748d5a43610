"""``make destroy`` reports what it removed: CloudFormation and CloudWatch Logs behind Stubbers, ``cdk`` injected."""

import io
from datetime import UTC, datetime

import pytest
from botocore.stub import Stubber

from infra import destroy
from infra.runtime.handler.properties import RESOURCE_TYPE
from tests.infra.conftest import ACCOUNT, REGION, stubbed_client

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
def aws():
    clients = {"cloudformation": stubbed_client("cloudformation"), "logs": stubbed_client("logs")}
    stubbers = {name: Stubber(client) for name, client in clients.items()}
    for stub in stubbers.values():
        stub.activate()
    yield stubbers, clients
    for stub in stubbers.values():
        stub.assert_no_pending_responses()


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


def test_destroy__prints_every_resource_removed_once_the_stack_is_gone(aws):
    stubbers, clients = aws
    stack_exists(stubbers["cloudformation"])
    lists(stubbers["cloudformation"], REMOTE_BUILD_RESOURCES)
    stack_gone(stubbers["cloudformation"])
    log_groups(stubbers["logs"], [])
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
    stack_exists(stubbers["cloudformation"])
    lists(stubbers["cloudformation"], REMOTE_BUILD_RESOURCES)
    stack_gone(stubbers["cloudformation"])
    group = f"/aws/bedrock-agentcore/runtimes/{RUNTIME_ID}-DEFAULT"
    log_groups(stubbers["logs"], [group])

    status, out = run(clients, Cdk())

    assert status == 0
    assert f"left behind: log group {group}. Remove: aws logs delete-log-group --log-group-name {group}" in out


def test_destroy__local_build_says_the_image_stays_in_the_bootstrap_repository(aws):
    stubbers, clients = aws
    stack_exists(stubbers["cloudformation"])
    lists(stubbers["cloudformation"], LOCAL_BUILD_RESOURCES)
    stack_gone(stubbers["cloudformation"])
    log_groups(stubbers["logs"], [])

    _, out = run(clients, Cdk())

    assert "and the agent image" in out
    assert f"npx cdk gc aws://{ACCOUNT}/{REGION} --unstable=gc" in out


def test_destroy__remote_build_removes_the_image_with_its_repository(aws):
    stubbers, clients = aws
    stack_exists(stubbers["cloudformation"])
    lists(stubbers["cloudformation"], REMOTE_BUILD_RESOURCES)
    stack_gone(stubbers["cloudformation"])
    log_groups(stubbers["logs"], [])

    _, out = run(clients, Cdk())

    assert "agent image" not in out


def test_destroy__failed_cdk_destroy_reports_nothing_removed(aws):
    stubbers, clients = aws
    stack_exists(stubbers["cloudformation"])
    lists(stubbers["cloudformation"], REMOTE_BUILD_RESOURCES)

    status, out = run(clients, Cdk(status=1))

    assert status == 1
    assert "removed stack" not in out
    assert f"describe-stack-events --stack-name {STACK}" in out


def test_destroy__stack_still_there_after_cdk_fails_with_its_status(aws):
    stubbers, clients = aws
    stack_exists(stubbers["cloudformation"])
    lists(stubbers["cloudformation"], REMOTE_BUILD_RESOURCES)
    stack_exists(stubbers["cloudformation"], status="DELETE_FAILED")

    status, out = run(clients, Cdk())

    assert status == 1
    assert "still exists (DELETE_FAILED)" in out
    assert "removed stack" not in out


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
