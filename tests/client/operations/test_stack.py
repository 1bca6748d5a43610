"""Finding the deployed runtime from the stack's outputs, against botocore's Stubber (real requests, checked)."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from client import ConfigurationError, InvocationError
from client.operations import runtime_arn, stack_name, stack_outputs
from contract.deployment import DEFAULT_STACK_NAME, OUTPUT_RUNTIME_ARN, OUTPUT_RUNTIME_ID, STACK_NAME_ENV

ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/streaming_agent-AbCdEf1234"


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
