"""``python -m client status``: is it healthy and what is running, from moto's AgentCore control plane and logs."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from client import cli
from contract.metrics import METRICS_NAMESPACE_ENV, RUNTIME_NAME_ENV
from fakes.cloudwatch_metrics import CloudWatchMetrics
from fakes.live_server import free_port
from fakes.scripted_model import ScriptedModel
from tests.client.cli.helpers import run
from tests.client.operations.cloudwatch import SESSION_A, SESSION_B, RuntimeLogs, create_runtime, record

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/cdk-hnb659fds-container-assets-123456789012-us-east-1:0123abcd"


@pytest.fixture
def aws(monkeypatch):
    """moto's AgentCore control plane with one READY runtime and its DEFAULT endpoint, and the runtime's logs."""
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    with mock_aws():
        control = boto3.client("bedrock-agentcore-control", region_name="us-east-1")
        arn, runtime_id = create_runtime(control, image=IMAGE)
        yield arn, control, RuntimeLogs(boto3.client("logs", region_name="us-east-1"), runtime_id=runtime_id)


def status_lines(capsys, arn):
    code, out, err = run(capsys, "status", "--arn", arn)
    assert (code, err) == (0, "")
    return {line[:9].strip(): line[10:] for line in out.splitlines()}


def test_cli_status__shows_runtime_and_endpoint_status_versions_image_and_update_time(aws, capsys):
    arn, _, _ = aws

    shown = status_lines(capsys, arn)

    assert shown["status"] == "READY"
    assert shown["version"] == "1"
    assert shown["endpoint"] == "DEFAULT READY, serving version 1"
    assert shown["image"] == IMAGE
    assert shown["arn"] == arn
    assert shown["updated"][:4].isdigit()
    assert "failure" not in shown


def test_cli_status__counts_the_last_hours_invocations_and_errors_by_outcome(aws, capsys):
    arn, _, logs = aws
    logs.put(record(SESSION_A), record(SESSION_A), record(SESSION_B, "model_error"), record(None, "refused"))
    logs.put(record(SESSION_B, "client_hung_up"), minutes_ago=30)
    logs.put(record(SESSION_A, "model_error"), minutes_ago=90)  # outside the hour
    logs.put("ERROR agent.streaming stream failed after it began")  # a log line, not an invocation

    shown = status_lines(capsys, arn)

    assert shown["last hour"] == "5 invocations, 3 errors (1 client_hung_up, 1 model_error, 1 refused)"


def test_cli_status__counts_a_completed_invocation_whose_memory_write_failed_as_an_error(aws, capsys):
    arn, _, logs = aws
    logs.put(
        record(SESSION_A, memory="saved"),
        record(SESSION_A, memory="failed", memory_error="ClientError: outage"),
        record(SESSION_A, memory="pending"),
        record(SESSION_B, "model_error", memory="skipped"),
    )

    shown = status_lines(capsys, arn)

    assert shown["last hour"] == "4 invocations, 2 errors (1 memory_write_failed, 1 model_error)"


def test_cli_status__never_invoked_counts_zero(aws, capsys):
    arn, _, _ = aws

    assert status_lines(capsys, arn)["last hour"] == "0 invocations, 0 errors"


def test_cli_status__endpoint_being_updated_shows_the_version_it_still_serves(aws, capsys):
    arn, control, logs = aws
    control.update_agent_runtime_endpoint(
        agentRuntimeId=logs.runtime_id, endpointName="DEFAULT", agentRuntimeVersion="2"
    )

    assert status_lines(capsys, arn)["endpoint"] == "DEFAULT UPDATING, serving version 1 (moving to 2)"


def test_cli_status__endpoint_shows_that_endpoint_and_counts_its_own_invocations(aws, capsys):
    arn, control, logs = aws
    control.update_agent_runtime(
        agentRuntimeId=logs.runtime_id,
        agentRuntimeArtifact={"containerConfiguration": {"containerUri": IMAGE}},
        roleArn="arn:aws:iam::123456789012:role/agent",
        networkConfiguration={"networkMode": "PUBLIC"},
    )
    control.create_agent_runtime_endpoint(agentRuntimeId=logs.runtime_id, name="live", agentRuntimeVersion="1")
    RuntimeLogs(logs.client, runtime_id=logs.runtime_id, endpoint="live").put(
        record(SESSION_A), record(SESSION_B, "model_error")
    )
    logs.put(record(SESSION_A))  # DEFAULT's

    code, out, err = run(capsys, "status", "--arn", arn, "--endpoint", "live")
    shown = {line[:9].strip(): line[10:] for line in out.splitlines()}

    assert (code, err) == (0, "")
    assert shown["endpoint"].startswith("live ")
    assert "serving version 1" in shown["endpoint"]
    assert shown["last hour"] == "2 invocations, 1 error (1 model_error)"


def test_cli_status__without_access_to_the_logs_still_shows_the_runtime_and_says_why_no_count(aws, capsys, monkeypatch):
    arn, _, _ = aws
    port = free_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", f"http://127.0.0.1:{port}")

    shown = status_lines(capsys, arn)

    assert shown["status"] == "READY"
    assert shown["last hour"].startswith("unknown (could not read the runtime's logs: cannot connect to")
    assert f"127.0.0.1:{port}" in shown["last hour"]


def test_cli_status__unknown_runtime_exits_5_with_the_services_message(aws, capsys):
    arn, _, logs = aws

    code, out, err = run(capsys, "status", "--arn", arn.replace(logs.runtime_id, "gone_agent-AbCdEf1234"))

    assert (code, out) == (cli.EXIT_REFUSED, "")
    assert err.startswith("error: ResourceNotFoundException") and err.count("\n") == 1


def test_cli_status__shows_status_and_version_from_get_agent_runtime(agentcore, capsys):
    core = agentcore(ScriptedModel([]))

    code, out, err = run(capsys, "status", *core.target())

    assert (code, err) == (0, "")
    assert "status    READY" in out
    assert "version   3" in out
    assert core.arn in out


def test_cli_status__url_shows_the_local_agents_health(serve_agent, capsys):
    url = serve_agent(ScriptedModel([]))

    code, out, _ = run(capsys, "status", "--url", url)

    assert code == 0
    assert "status    Healthy" in out


@pytest.fixture
def metrics(monkeypatch) -> CloudWatchMetrics:
    """CloudWatch's metrics as the stand-in keeps them, answering every client the CLI makes."""
    stand_in = CloudWatchMetrics()
    stand_in.install(monkeypatch)
    return stand_in


def test_cli_status__shows_the_last_hours_ttfc_p50_p99_and_token_totals_from_the_records_metrics(aws, metrics, capsys):
    arn, _, _ = aws
    for ttfc in (100.0, 200.0, 300.0, 400.0, 5000.0):
        metrics.ingest(record(ttfc_ms=ttfc, usage={"inputTokens": 20, "outputTokens": 10}, minutes_ago=10))
    metrics.ingest(record(ttfc_ms=9000.0, minutes_ago=90))  # before the hour

    shown = status_lines(capsys, arn)

    assert shown["metrics"] == "ttfc p50 300 ms, p99 5000 ms; tokens 100 in, 50 out"


def test_cli_status__metrics_of_a_quiet_hour_say_no_data(aws, metrics, capsys):
    arn, _, _ = aws

    assert status_lines(capsys, arn)["metrics"] == "ttfc no data; tokens 0 in, 0 out"


def test_cli_status__reads_the_namespace_and_runtime_the_runtimes_environment_names(monkeypatch, metrics, capsys):
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    environment = {METRICS_NAMESPACE_ENV: "Team/Agents", RUNTIME_NAME_ENV: "search_agent"}
    with mock_aws():
        arn, _ = create_runtime(
            boto3.client("bedrock-agentcore-control", region_name="us-east-1"), image=IMAGE, environment=environment
        )
        status_lines(capsys, arn)

    [request] = metrics.requests
    assert {query["MetricStat"]["Metric"]["Namespace"] for query in request["MetricDataQueries"]} == {"Team/Agents"}
    assert {query["MetricStat"]["Metric"]["Dimensions"][0]["Value"] for query in request["MetricDataQueries"]} == {
        "search_agent"
    }


def test_cli_status__without_permission_to_read_metrics_still_shows_the_runtime_and_says_why(aws, metrics, capsys):
    arn, _, _ = aws
    metrics.denied = True

    shown = status_lines(capsys, arn)

    assert shown["status"] == "READY" and shown["last hour"] == "0 invocations, 0 errors"
    assert shown["metrics"].startswith(
        "unknown (could not read CloudWatch metrics: AccessDenied: User is not authorized"
    )
