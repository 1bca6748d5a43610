"""``python -m client logs``: the runtime's CloudWatch logs at the terminal, read through real boto3 from moto."""

from __future__ import annotations

import json
import time

import boto3
import pytest
from moto import mock_aws
from moto.core.exceptions import JsonRESTError
from moto.logs.models import LogsBackend

from client import cli
from client.operations import runtime_logs as logs
from client.operations.records import LogEvent
from contract import agentcore
from contract.deployment import DEFAULT_STACK_NAME, OUTPUT_RUNTIME_ARN
from fakes.dataplane import RUNTIME_ARN
from fakes.live_server import free_port
from fakes.memory_plane import MEMORY_ID
from fakes.scripted_model import ScriptedModel, ToolCall
from infra.runtime.handler import properties
from tests.agent.helpers import stream_values
from tests.client.cli.helpers import assert_one_error_line, run
from tests.client.operations.cloudwatch import OTEL_STREAM, SESSION_A, SESSION_B, RuntimeLogs, record

TARGET = ["--arn", RUNTIME_ARN]


@pytest.fixture
def cloudwatch(monkeypatch):
    """The runtime's log group in moto; boto3 goes to moto instead of the dead endpoint the client tests set."""
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    with mock_aws():
        yield RuntimeLogs(boto3.client("logs", region_name="us-east-1"))


@pytest.fixture
def throttle(monkeypatch):
    """Make the next ``count`` FilterLogEvents calls fail with ThrottlingException, as CloudWatch Logs does."""
    real = LogsBackend.filter_log_events
    left = {"count": 0}

    def filter_log_events(self, *args, **kwargs):
        if left["count"] > 0:
            left["count"] -= 1
            raise JsonRESTError("ThrottlingException", "Rate exceeded")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(LogsBackend, "filter_log_events", filter_log_events)

    def set_count(count: int) -> None:
        left["count"] = count

    return set_count


def play_clock(monkeypatch, *steps):
    """Replace the pause between polls of ``--follow``: each pause runs the next step; then Ctrl-C."""
    pauses = []

    def wait(seconds):
        pauses.append(seconds)
        if len(pauses) > len(steps):
            raise KeyboardInterrupt
        steps[len(pauses) - 1]()

    monkeypatch.setattr(logs, "wait", wait)
    return pauses


# --- reading a time range -----------------------------------------------------------------------------------------


def test_cli_logs__each_record_is_one_readable_line_with_session_outcome_ttfc_tokens_and_tools(cloudwatch, capsys):
    cloudwatch.put(record())

    code, out, err = run(capsys, "logs", *TARGET)

    assert (code, err) == (0, "")
    [line] = out.splitlines()
    assert SESSION_A in line
    for fragment in ("completed", "ttfc=812ms", "total=2.43s", "chunks=14", "tokens=22/14", "tools=calculator(3ms)"):
        assert fragment in line
    assert line[:19].replace("-", "").replace(":", "").replace(" ", "").isdigit()  # YYYY-MM-DD HH:MM:SS first


def test_cli_logs__other_lines_appear_as_the_agent_printed_them_oldest_first(cloudwatch, capsys):
    cloudwatch.put("INFO agent.server invocation session=<x> stream=<text> prompt_chars=<5>", minutes_ago=3)
    cloudwatch.put("INFO agent.toolbox tools ready", minutes_ago=9)

    code, out, _ = run(capsys, "logs", *TARGET)

    assert code == 0
    assert [line[21:] for line in out.splitlines()] == [
        "INFO agent.toolbox tools ready",
        "INFO agent.server invocation session=<x> stream=<text> prompt_chars=<5>",
    ]


def test_cli_logs__endpoint_reads_that_endpoints_own_log_group(cloudwatch, capsys):
    cloudwatch.put("INFO served through DEFAULT")
    RuntimeLogs(cloudwatch.client, runtime_id=cloudwatch.runtime_id, endpoint="live").put("INFO served through live")

    code, out, _ = run(capsys, "logs", *TARGET, "--endpoint", "live")

    assert code == 0
    assert [line[21:] for line in out.splitlines()] == ["INFO served through live"]


def test_cli_logs__since_leaves_out_older_events(cloudwatch, capsys):
    cloudwatch.put("INFO two hours ago", minutes_ago=120)
    cloudwatch.put("INFO ten minutes ago", minutes_ago=10)
    cloudwatch.put("INFO one minute ago", minutes_ago=1)

    default = run(capsys, "logs", *TARGET)[1]
    recent = run(capsys, "logs", *TARGET, "--since", "5m")[1]
    all_day = run(capsys, "logs", *TARGET, "--since", "1d")[1]

    assert [line[21:] for line in default.splitlines()] == ["INFO ten minutes ago", "INFO one minute ago"]
    assert [line[21:] for line in recent.splitlines()] == ["INFO one minute ago"]
    assert len(all_day.splitlines()) == 3


def test_cli_logs__session_shows_only_that_conversations_records_and_lines(cloudwatch, capsys):
    cloudwatch.put(
        f"INFO agent.server invocation session=<{SESSION_A}> stream=<text> prompt_chars=<5>",
        record(SESSION_A),
        f"INFO agent.server invocation session=<{SESSION_B}> stream=<text> prompt_chars=<7>",
        record(SESSION_B, "model_error", error="ModelThrottledException: slow down"),
        "INFO agent.toolbox tools ready",
    )

    code, out, _ = run(capsys, "logs", *TARGET, "--session", SESSION_B)

    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert all(SESSION_B in line for line in lines)
    assert "model_error (ModelThrottledException: slow down)" in lines[1]


def test_cli_logs__errors_shows_only_invocations_that_did_not_complete_and_error_lines(cloudwatch, capsys):
    cloudwatch.put(
        record(SESSION_A),
        record(SESSION_B, "client_hung_up", chunks=3, usage=None, stop_reason=None),
        record(None, "refused", status=413, error='"prompt" has 100001 characters; the limit is 100000'),
        "INFO agent.toolbox tools ready",
        "ERROR agent.streaming stream failed after it began",
    )

    code, out, _ = run(capsys, "logs", *TARGET, "--errors")

    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3
    assert "client_hung_up" in lines[0] and SESSION_B in lines[0]
    assert 'refused 413 ("prompt" has 100001 characters; the limit is 100000)' in lines[1]
    assert lines[2].endswith("ERROR agent.streaming stream failed after it began")


def test_cli_logs__session_and_errors_together_show_that_sessions_failures(cloudwatch, capsys):
    cloudwatch.put(record(SESSION_A), record(SESSION_A, "model_error"), record(SESSION_B, "model_error"))

    code, out, _ = run(capsys, "logs", *TARGET, "--session", SESSION_A, "--errors")

    assert code == 0
    [line] = out.splitlines()
    assert SESSION_A in line and "model_error" in line


def test_cli_logs__a_memory_write_that_was_not_saved_shows_on_the_records_line(cloudwatch, capsys):
    error = "ClientError: An error occurred (ServiceException) when calling the CreateEvent operation: outage"
    cloudwatch.put(
        record(SESSION_A, memory="saved"),
        record(SESSION_A, memory="failed", memory_error=error),
        record(SESSION_A, memory="pending"),
        record(SESSION_A, "client_hung_up", memory="skipped"),
        record(SESSION_A, memory=None),
    )

    code, out, _ = run(capsys, "logs", *TARGET)

    assert code == 0
    saved, failed, pending, skipped, without = out.splitlines()
    assert "memory=" not in saved and "memory=" not in without
    assert failed.endswith(f"memory=failed ({error})")
    assert pending.endswith("memory=pending")
    assert skipped.endswith("memory=skipped")


def test_cli_logs__errors_includes_a_completed_invocation_whose_memory_write_failed(cloudwatch, capsys):
    cloudwatch.put(
        record(SESSION_A, memory="saved"),
        record(SESSION_B, memory="failed", memory_error="ClientError: outage"),
        record(SESSION_A, memory="pending"),
    )

    code, out, _ = run(capsys, "logs", *TARGET, "--errors")

    assert code == 0
    [line] = out.splitlines()
    assert SESSION_B in line and "completed" in line and "memory=failed (ClientError: outage)" in line


@pytest.mark.parametrize(
    "failure",
    [
        record(SESSION_A, "client_hung_up"),
        record(SESSION_A, "model_error", error="boom"),
        record(None, "refused", status=400),
        record(None, "server_error", status=500),
        record(SESSION_A, memory="failed", memory_error="ClientError: outage"),
        "ERROR agent.streaming stream failed after it began",
        "Traceback (most recent call last):",
    ],
)
def test_errors_filter_pattern__lets_through_every_event_that_errors_shows(failure):
    # CloudWatch applies the pattern before the client decides; moto ignores "?" alternatives, so check the terms.
    errors = logs.LogFilter(errors_only=True)
    terms = [term.strip().strip('"') for term in errors.pattern.split("?") if term.strip()]

    assert LogEvent.from_cloudwatch({"message": failure}).is_failure
    assert any(term in failure for term in terms), f"{errors.pattern} would drop {failure}"


def test_cli_logs__json_prints_each_event_as_cloudwatch_returns_it(cloudwatch, capsys):
    line = record(SESSION_A)
    cloudwatch.put(line, 'plain "quoted" line')

    code, out, _ = run(capsys, "logs", *TARGET, "--json")

    assert code == 0
    events = [json.loads(text) for text in out.splitlines()]
    assert [event["message"] for event in events] == [line, 'plain "quoted" line']
    assert {key for event in events for key in event} == {"timestamp", "logStreamName", "message", "eventId"}


def test_cli_logs__opentelemetry_copies_are_left_out(cloudwatch, capsys):
    cloudwatch.put("INFO agent.server invocation session=<x>")
    cloudwatch.put('{"body": "invocation session=<x>", "severityText": "INFO"}', stream=OTEL_STREAM)

    code, out, _ = run(capsys, "logs", *TARGET)

    assert code == 0
    assert len(out.splitlines()) == 1


def test_cli_logs__without_arn_reads_the_deployed_stacks_runtime(cloudwatch, capsys, agentcore, monkeypatch):
    core = agentcore(ScriptedModel([]))
    core.plane.stacks[DEFAULT_STACK_NAME] = {OUTPUT_RUNTIME_ARN: RUNTIME_ARN}
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", core.url)
    cloudwatch.put(record())

    code, out, _ = run(capsys, "logs")

    assert code == 0
    assert SESSION_A in out


# --- failures: one line, an exit code ----------------------------------------------------------------------------


def test_cli_logs__no_log_group_says_the_runtime_was_never_invoked(cloudwatch, capsys):
    code, out, err = run(capsys, "logs", *TARGET)

    assert (code, out) == (cli.EXIT_CONFIGURATION, "")
    assert_one_error_line(
        err, "no logs yet", cloudwatch.group, "never been invoked", ".venv/bin/python -m client invoke"
    )


def test_cli_logs__throttling_exits_5_with_the_services_message(cloudwatch, capsys, throttle):
    cloudwatch.put(record())
    throttle(1)

    code, out, err = run(capsys, "logs", *TARGET)

    assert (code, out) == (cli.EXIT_REFUSED, "")
    assert_one_error_line(err, "ThrottlingException: Rate exceeded")


@pytest.mark.parametrize("since", ["10", "1w", "-5m", "0h", "ten minutes"])
def test_cli_logs__a_duration_it_cannot_read_exits_2_showing_the_form(capsys, since):
    code, _, err = run(capsys, "logs", *TARGET, f"--since={since}")

    assert code == cli.EXIT_USAGE
    assert "like 30s, 10m, 2h or 1d" in err


def test_cli_logs__honours_aws_endpoint_url_cloudwatch_logs(cloudwatch, capsys, monkeypatch):
    port = free_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", f"http://127.0.0.1:{port}")

    code, _, err = run(capsys, "logs", *TARGET)

    assert code == cli.EXIT_UNREACHABLE
    assert_one_error_line(err, f"cannot connect to http://127.0.0.1:{port}")


# --- following -----------------------------------------------------------------------------------------------------


def test_cli_logs__follow_shows_new_events_as_they_arrive_and_ends_quietly_on_ctrl_c(cloudwatch, capsys, monkeypatch):
    cloudwatch.put(record(SESSION_A), minutes_ago=2)
    pauses = play_clock(
        monkeypatch,
        lambda: cloudwatch.put(record(SESSION_B), minutes_ago=0),
        lambda: None,  # nothing new: nothing printed twice
    )

    code, out, err = run(capsys, "logs", *TARGET, "--follow")

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [SESSION_A in lines[0], SESSION_B in lines[1], len(lines)] == [True, True, 2]
    assert pauses == [logs.POLL_SECONDS] * 3


def test_cli_logs__follow_with_session_shows_only_that_sessions_new_events(cloudwatch, capsys, monkeypatch):
    cloudwatch.put(record(SESSION_A), minutes_ago=2)
    play_clock(monkeypatch, lambda: cloudwatch.put(record(SESSION_B), record(SESSION_A, "refused"), minutes_ago=0))

    code, out, _ = run(capsys, "logs", *TARGET, "--follow", "--session", SESSION_A)

    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2 and all(SESSION_A in line for line in lines)
    assert "refused" in lines[1]


def test_cli_logs__follow_waits_out_throttling_instead_of_failing(cloudwatch, capsys, monkeypatch, throttle):
    cloudwatch.put(record(SESSION_A), minutes_ago=2)
    throttle(2)
    pauses = play_clock(monkeypatch, lambda: None, lambda: None)

    code, out, _ = run(capsys, "logs", *TARGET, "--follow")

    assert code == 0
    assert SESSION_A in out
    assert pauses == [2 * logs.POLL_SECONDS, 4 * logs.POLL_SECONDS, logs.POLL_SECONDS]


def test_cli_logs__follow_waits_for_the_first_invocation_to_create_the_log_group(cloudwatch, capsys, monkeypatch):
    play_clock(monkeypatch, lambda: None, lambda: cloudwatch.put(record(SESSION_A), minutes_ago=0))

    code, out, err = run(capsys, "logs", *TARGET, "--follow")

    assert code == 0
    assert err.count("\n") == 1 and "does not exist yet; waiting for the runtime's first invocation" in err
    assert SESSION_A in out


def test_cli_logs__the_sdks_json_lines_read_like_the_agents_own(cloudwatch, capsys):
    cloudwatch.put(
        json.dumps(
            {
                "timestamp": "2026-11-26T07:43:24.303Z",
                "level": "WARNING",
                "message": "Invocation returned HTTP 400 (0.000s)",
                "logger": "bedrock_agentcore.app",
                "sessionId": SESSION_A,
            }
        )
    )

    code, out, _ = run(capsys, "logs", *TARGET)

    assert code == 0
    assert out.splitlines()[0][21:] == "WARNING bedrock_agentcore.app Invocation returned HTTP 400 (0.000s)"


def test_cli_logs__shows_what_the_real_agent_recorded_for_a_session(
    cloudwatch, capsys, serve_agent, http, agent_records
):
    url = serve_agent(ScriptedModel([[ToolCall("get_time", {"timezone": "Asia/Tokyo"})], ["It is ", "noon."]]))
    stream_values(http, url, {"prompt": "time in Tokyo?"}, session=SESSION_A)
    wait_for(lambda: agent_records)
    cloudwatch.put(*agent_records)

    code, out, _ = run(capsys, "logs", *TARGET, "--session", SESSION_A)

    assert code == 0
    [line] = out.splitlines()
    for fragment in (SESSION_A, "completed", "chunks=2", "tokens=22/14", "stop=end_turn", "tools=get_time("):
        assert fragment in line


def test_cli_logs__errors_shows_the_real_agents_failed_memory_write_with_its_reason(
    capsys, serve_agent, http, agent_records, memory_plane, monkeypatch
):
    url = serve_agent(ScriptedModel([["remembered"], ["not written"]]), memory_id=MEMORY_ID)
    stream_values(http, url, {"prompt": "one"}, session=SESSION_A)
    wait_for(lambda: len(agent_records) == 1)
    memory_plane.outage.add("CreateEvent")
    stream_values(http, url, {"prompt": "two"}, session=SESSION_A)
    wait_for(lambda: len(agent_records) == 2)
    monkeypatch.delenv("AWS_ENDPOINT_URL")

    with mock_aws():
        RuntimeLogs(boto3.client("logs", region_name="us-east-1")).put(*agent_records)
        code, out, _ = run(capsys, "logs", *TARGET, "--errors")

    assert code == 0
    [line] = out.splitlines()
    assert SESSION_A in line and "  completed  " in line
    assert "memory=failed (ServiceException: " in line and "stand-in outage" in line


def wait_for(condition, timeout=10.0):
    """Wait until ``condition()`` holds: the agent prints its record once the request is over."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_log_group_prefix__is_the_one_the_stacks_handler_deletes_on_destroy():
    assert agentcore.RUNTIME_LOG_GROUP_PREFIX == properties.RUNTIME_LOG_GROUP_PREFIX
