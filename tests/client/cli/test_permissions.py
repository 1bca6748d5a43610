"""The documented read-only policy for ``status``, ``logs``, ``dashboard`` and ``traces`` grants exactly the calls they
make, with real actions and ARNs."""

from __future__ import annotations

import re
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from client import cli
from contract.deployment import DEFAULT_STACK_NAME, OUTPUT_DASHBOARD_URL, OUTPUT_RUNTIME_ARN
from fakes.cloudwatch_metrics import CloudWatchMetrics
from fakes.scripted_model import ScriptedModel
from tests.client.documented_policy import actions_granted, record_calls, unknown_actions
from tests.client.operations.cloudwatch import SESSION_A, RuntimeLogs, create_runtime, record
from tests.client.operations.spans import TransactionSearch, minutes_ago, turn

OPERATIONS = Path(__file__).resolve().parents[3] / "docs" / "operations.md"
_SERVICES = {
    "bedrock-agentcore": "bedrock-agentcore-control",
    "logs": "logs",
    "cloudformation": "cloudformation",
    "cloudwatch": "cloudwatch",
}
_SPANS = [r"arn:aws:logs:REGION:ACCOUNT:log-group:aws/spans:\*"]
_RUNTIME_AND_ENDPOINT = [
    r"arn:aws:bedrock-agentcore:REGION:ACCOUNT:runtime/RUNTIME_ID",
    r"arn:aws:bedrock-agentcore:REGION:ACCOUNT:runtime/RUNTIME_ID/runtime-endpoint/DEFAULT",
]
_ARN_FORMS = {
    "cloudformation:DescribeStacks": [rf"arn:aws:cloudformation:REGION:ACCOUNT:stack/{DEFAULT_STACK_NAME}/\*"],
    "bedrock-agentcore:GetAgentRuntime": _RUNTIME_AND_ENDPOINT,
    "bedrock-agentcore:GetAgentRuntimeEndpoint": _RUNTIME_AND_ENDPOINT,
    "logs:FilterLogEvents": [
        r"arn:aws:logs:REGION:ACCOUNT:log-group:/aws/bedrock-agentcore/runtimes/RUNTIME_ID-DEFAULT:\*"
    ],
    "logs:StartQuery": _SPANS,
    "logs:GetQueryResults": _SPANS,
    "cloudwatch:GetMetricData": [r"\*"],
}


def granted() -> dict[str, list[str]]:
    return actions_granted(OPERATIONS, "## Permissions for `status`, `logs`, `dashboard` and `traces`")


def test_permissions__every_action_is_an_operation_of_its_services_model():
    assert unknown_actions(granted(), _SERVICES) == []


def test_permissions__every_resource_is_the_runtime_its_endpoint_its_log_group_or_the_stack():
    for action, resources in granted().items():
        forms = _ARN_FORMS[action]
        assert resources and all(any(re.fullmatch(form, arn) for form in forms) for arn in resources), action


@pytest.fixture
def calls(monkeypatch):
    """Every AWS operation the CLI calls, as ``service-prefix:Operation``."""
    return record_calls(monkeypatch, _SERVICES)


def test_permissions__cover_exactly_what_status_logs_dashboard_and_traces_call(calls, monkeypatch, agentcore, capsys):
    core = agentcore(ScriptedModel([]))
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", core.url)
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    CloudWatchMetrics().install(monkeypatch)
    with mock_aws():
        arn, runtime_id = create_runtime(boto3.client("bedrock-agentcore-control", region_name="us-east-1"), image="i")
        RuntimeLogs(boto3.client("logs", region_name="us-east-1"), runtime_id=runtime_id).put(record())
        TransactionSearch(boto3.client("logs", region_name="us-east-1")).put(
            *turn("6750a1b2" + "1" * 24, session=SESSION_A, start_ms=minutes_ago(5), runtime_arn=arn)
        )
        core.plane.stacks[DEFAULT_STACK_NAME] = {OUTPUT_RUNTIME_ARN: arn, OUTPUT_DASHBOARD_URL: "https://dashboard"}
        calls.clear()  # the set-up above is not the CLI's
        assert cli.main(["status"]) == 0
        assert cli.main(["logs", "--errors"]) == 0
        assert cli.main(["dashboard"]) == 0
        assert cli.main(["traces"]) == 0

    assert calls == set(granted())
