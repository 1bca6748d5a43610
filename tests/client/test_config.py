"""ARNs, session ids, stack discovery (with botocore's Stubber) and the boto3 settings for long streams."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from client import DEFAULT_READ_TIMEOUT, ConfigurationError, InvocationError, Runtime, RuntimeArn, cli, new_session_id
from client.operations.stack import runtime_arn, stack_name, stack_outputs
from client.operations.status import RuntimeStatus
from contract.agentcore import MIN_SESSION_ID_LENGTH
from contract.deployment import DEFAULT_STACK_NAME, OUTPUT_RUNTIME_ARN, OUTPUT_RUNTIME_ID, STACK_NAME_ENV

ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/streaming_agent-AbCdEf1234"


@pytest.mark.parametrize(
    "arn",
    [
        ARN,
        "arn:aws-us-gov:bedrock-agentcore:us-gov-west-1:123456789012:runtime/agent-AbCdEf1234",
        "arn:aws-cn:bedrock-agentcore:cn-north-1:123456789012:runtime/agent-AbCdEf1234",
    ],
)
def test_arn__accepts_runtime_arns_of_every_partition(arn):
    assert RuntimeArn.parse(arn).arn == arn


def test_arn__exposes_region_account_and_runtime_id():
    parsed = RuntimeArn.parse(ARN)

    assert (parsed.region, parsed.account, parsed.runtime_id) == (
        "us-east-1",
        "123456789012",
        "streaming_agent-AbCdEf1234",
    )


@pytest.mark.parametrize(
    "arn",
    [
        "",
        "streaming_agent-AbCdEf1234",
        "arn:aws:lambda:us-east-1:123456789012:function:agent",
        "arn:aws:bedrock-agentcore:us-east-1:12345:runtime/agent-AbCdEf1234",
        "arn:aws:bedrock-agentcore:us-east-1:123456789012:memory/agent-AbCdEf1234",
        "arn:aws:bedrock-agentcore::123456789012:runtime/agent-AbCdEf1234",
    ],
)
def test_arn__rejects_anything_else_showing_an_example(arn):
    with pytest.raises(ConfigurationError, match="expected one like arn:aws:bedrock-agentcore:"):
        RuntimeArn.parse(arn)


def test_session__new_ids_are_long_enough_and_unique():
    ids = {new_session_id() for _ in range(100)}

    assert len(ids) == 100
    assert all(len(session_id) >= MIN_SESSION_ID_LENGTH for session_id in ids)


def test_boto_config__waits_an_hour_for_stream_data_and_leaves_invocation_retries_to_the_client():
    config = Runtime(ARN)._client.meta.config

    assert config.read_timeout == DEFAULT_READ_TIMEOUT == 3600
    assert config.connect_timeout == 10
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}, "botocore would resend after a 5xx"


def stubbed_cloudformation():
    client = boto3.client("cloudformation", region_name="us-east-1")
    return client, Stubber(client)


def stack(outputs, status="CREATE_COMPLETE"):
    return {
        "Stacks": [
            {
                "StackName": DEFAULT_STACK_NAME,
                "CreationTime": datetime(2025, 1, 1, tzinfo=UTC),
                "StackStatus": status,
                "Outputs": [{"OutputKey": key, "OutputValue": value} for key, value in outputs.items()],
            }
        ]
    }


def test_stack__runtime_arn_comes_from_the_runtime_arn_output():
    client, stubber = stubbed_cloudformation()
    stubber.add_response(
        "describe_stacks",
        stack({OUTPUT_RUNTIME_ARN: ARN, OUTPUT_RUNTIME_ID: "streaming_agent-AbCdEf1234"}),
        {"StackName": DEFAULT_STACK_NAME},
    )

    with stubber:
        assert runtime_arn(client, DEFAULT_STACK_NAME) == ARN


def test_stack__outputs_are_a_plain_mapping():
    client, stubber = stubbed_cloudformation()
    stubber.add_response("describe_stacks", stack({OUTPUT_RUNTIME_ARN: ARN}), {"StackName": "S"})

    with stubber:
        assert stack_outputs(client, "S") == {OUTPUT_RUNTIME_ARN: ARN}


def test_stack__missing_stack_says_how_to_deploy_or_target_directly():
    client, stubber = stubbed_cloudformation()
    stubber.add_client_error(
        "describe_stacks", "ValidationError", f"Stack with id {DEFAULT_STACK_NAME} does not exist", 400
    )

    with stubber, pytest.raises(ConfigurationError) as raised:
        runtime_arn(client, DEFAULT_STACK_NAME)

    assert "make deploy" in raised.value.message
    assert "--arn or --url" in raised.value.message


def test_stack__stack_without_the_output_names_its_status():
    client, stubber = stubbed_cloudformation()
    stubber.add_response("describe_stacks", stack({}, status="CREATE_IN_PROGRESS"), {"StackName": "S"})

    with stubber, pytest.raises(ConfigurationError, match="CREATE_IN_PROGRESS"):
        runtime_arn(client, "S")


def test_stack__other_service_errors_keep_their_code():
    client, stubber = stubbed_cloudformation()
    stubber.add_client_error("describe_stacks", "AccessDenied", "not allowed to describe stacks", 403)

    with stubber, pytest.raises(InvocationError) as raised:
        runtime_arn(client, "S")

    assert raised.value.code == "AccessDenied"


def test_stack__name_is_explicit_else_environment_else_default(monkeypatch):
    assert stack_name() == DEFAULT_STACK_NAME
    monkeypatch.setenv(STACK_NAME_ENV, "FromEnv")
    assert stack_name() == "FromEnv"
    assert stack_name("Explicit") == "Explicit"


def test_status__lines_show_failure_reason_when_there_is_one():
    status = RuntimeStatus("agent", "agent-AbCdEf1234", ARN, "UPDATE_FAILED", "4", failure_reason="image not found")

    assert "failure   image not found" in status.lines()
    assert "status    UPDATE_FAILED" in status.lines()


def test_cli__no_region_anywhere_exits_3(capsys, monkeypatch):
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)

    code = cli.main(["invoke", "hi"])

    _, err = capsys.readouterr()
    assert code == cli.EXIT_CONFIGURATION
    assert err == "error: no AWS region: pass --region or set AWS_REGION or AWS_DEFAULT_REGION\n"
