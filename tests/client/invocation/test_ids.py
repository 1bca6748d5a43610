"""What is checked before anything is sent: runtime ARNs, session ids; and the boto3 settings for long streams."""

from __future__ import annotations

import pytest

from client import DEFAULT_READ_TIMEOUT, ConfigurationError, Runtime, RuntimeArn, new_session_id
from contract.agentcore import MIN_SESSION_ID_LENGTH

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
