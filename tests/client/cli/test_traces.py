"""``python -m client traces``: the runtime's traces from ``aws/spans`` in moto (real boto3, Logs Insights calls
checked against the service model), listed, filtered, the slowest first, and one shown as a timeline."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from client import cli
from client.operations import traces as traces_module
from fakes.dataplane import RUNTIME_ARN
from tests.client.cli.helpers import assert_one_error_line, run
from tests.client.operations.cloudwatch import SESSION_A, SESSION_B
from tests.client.operations.spans import TransactionSearch, minutes_ago, span, turn

TRACE_1 = "6750a1b2" + "1" * 24
TRACE_2 = "6750a1b3" + "2" * 24
TRACE_3 = "6750a1b4" + "3" * 24
OTHER_RUNTIME = RUNTIME_ARN.replace("streaming_agent-AbCdEf1234", "other_agent-ZyXwVu9876")


@pytest.fixture
def spans(monkeypatch):
    """``aws/spans`` in moto, with no pause between the polls of a query."""
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    monkeypatch.setattr(traces_module, "wait", lambda seconds: None)
    with mock_aws():
        yield TransactionSearch(boto3.client("logs", region_name="us-east-1"))


def listed(capsys, *args):
    code, out, err = run(capsys, "traces", "--arn", RUNTIME_ARN, *args)
    assert (code, err) == (0, "")
    return [line.split() for line in out.splitlines()]


def test_cli_traces__lists_this_runtimes_traces_oldest_first_with_duration_spans_and_session(spans, capsys):
    spans.put(*turn(TRACE_1, session=SESSION_A, start_ms=minutes_ago(20)))
    spans.put(*turn(TRACE_2, session=SESSION_B, start_ms=minutes_ago(10), model_ms=2000))
    spans.put(span(TRACE_3, "f" * 16, "POST /invocations", start_ms=minutes_ago(5), ms=5, runtime_arn=OTHER_RUNTIME))

    rows = listed(capsys)

    assert [(row[2], row[3], row[4], row[6]) for row in rows] == [
        (TRACE_1, "1.66s", "7", SESSION_A),
        (TRACE_2, "4.06s", "7", SESSION_B),
    ]


def test_cli_traces__session_keeps_that_conversations_traces_only(spans, capsys):
    spans.put(*turn(TRACE_1, session=SESSION_A, start_ms=minutes_ago(20)))
    spans.put(*turn(TRACE_2, session=SESSION_B, start_ms=minutes_ago(10)))

    assert [row[2] for row in listed(capsys, "--session", SESSION_B)] == [TRACE_2]


def test_cli_traces__slowest_lists_the_n_longest_longest_first(spans, capsys):
    spans.put(*turn(TRACE_1, session=SESSION_A, start_ms=minutes_ago(30), model_ms=500))
    spans.put(*turn(TRACE_2, session=SESSION_A, start_ms=minutes_ago(20), model_ms=3000))
    spans.put(*turn(TRACE_3, session=SESSION_A, start_ms=minutes_ago(10), model_ms=1500))

    assert [row[2] for row in listed(capsys, "--slowest", "2")] == [TRACE_2, TRACE_3]


def test_cli_traces__since_leaves_out_older_traces(spans, capsys):
    spans.put(*turn(TRACE_1, session=SESSION_A, start_ms=minutes_ago(90)))
    spans.put(*turn(TRACE_2, session=SESSION_A, start_ms=minutes_ago(10)))

    assert [row[2] for row in listed(capsys, "--since", "30m")] == [TRACE_2]


def test_cli_traces__a_trace_with_a_failed_span_says_how_many_errors(spans, capsys):
    spans.put(span(TRACE_1, "a" * 16, "chat", start_ms=minutes_ago(5), ms=30, session=SESSION_A, error=True))

    [row] = listed(capsys)
    assert row[-2:] == ["1", "error"]


def test_cli_traces_show__an_indented_timeline_of_model_tool_and_memory_calls_with_durations(spans, capsys):
    spans.put(*turn(TRACE_1, session=SESSION_A, start_ms=minutes_ago(20), model_ms=800))
    spans.put(*turn(TRACE_2, session=SESSION_A, start_ms=minutes_ago(10)))

    code, out, err = run(capsys, "traces", "show", TRACE_1, "--arn", RUNTIME_ARN)

    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"trace {TRACE_1}  1660 ms  session {SESSION_A}",
        "       0 ms     1660 ms  other  POST /invocations",
        "       2 ms     1640 ms    agent  invoke_agent Strands Agents",
        "       5 ms      800 ms      model  chat",
        "     805 ms       12 ms      tool   execute_tool calculator",
        "     820 ms      800 ms      model  chat",
        "     821 ms      798 ms        model  Bedrock Runtime.ConverseStream",
        "    1645 ms        9 ms    memory Bedrock AgentCore.CreateEvent",
    ]


def test_cli_traces_show__takes_xrays_form_of_the_trace_id(spans, capsys):
    spans.put(*turn(TRACE_1, session=SESSION_A, start_ms=minutes_ago(5)))

    code, out, _ = run(capsys, "traces", "show", f"1-{TRACE_1[:8]}-{TRACE_1[8:]}", "--arn", RUNTIME_ARN)

    assert code == 0 and out.startswith(f"trace {TRACE_1}")


def test_cli_traces_show__a_trace_not_found_exits_3_saying_to_look_further_back(spans, capsys):
    spans.put(*turn(TRACE_1, session=SESSION_A, start_ms=minutes_ago(5)))

    code, out, err = run(capsys, "traces", "show", TRACE_2, "--arn", RUNTIME_ARN)

    assert (code, out) == (cli.EXIT_CONFIGURATION, "")
    assert_one_error_line(err, f"no span of trace {TRACE_2}", "--since")


def test_cli_traces__without_transaction_search_exits_3_saying_how_to_turn_it_on(spans, capsys):
    code, out, err = run(capsys, "traces", "--arn", RUNTIME_ARN)

    assert (code, out) == (cli.EXIT_CONFIGURATION, "")
    assert_one_error_line(err, "aws/spans does not exist", "Transaction Search", "docs/observability.md#traces")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["show"], "show takes one TRACE_ID"),
        (["show", "not-a-trace"], "is not a trace id"),
        (["--slowest", "0"], "at least 1"),
        (["--url", "http://127.0.0.1:8080"], "--url does not apply"),
    ],
    ids=["show without id", "bad id", "slowest 0", "url"],
)
def test_cli_traces__bad_arguments_exit_2_saying_why(capsys, args, said):
    code, _, err = run(capsys, "traces", "--arn", RUNTIME_ARN, *args)

    assert code == cli.EXIT_USAGE and said in err
