"""One JSON record on stdout per invocation, for every way an invocation ends, through real HTTP."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from agent.observability import invocation_log
from contract.agentcore import SESSION_HEADER
from contract.record import INVOCATION_RECORD, Outcome
from fakes.scripted_model import Fail, ScriptedModel, ToolCall
from tests.agent.helpers import SESSION_A, Stdout, invoke, stream_in_background, stream_values

SECRET_PROMPT = "my password is hunter2"
SECRET_ANSWER = "the launch code is 0000"


REAL_EMIT = invocation_log.emit  # before the suite's agent_records fixture replaces it


@pytest.fixture
def stdout(agent_records):
    return Stdout(agent_records)


def test_emit__writes_the_line_to_stdout_whatever_the_logging_configuration(capsys):
    logging.disable(logging.CRITICAL)
    try:
        REAL_EMIT('{"record": "invocation"}')
    finally:
        logging.disable(logging.NOTSET)

    assert capsys.readouterr().out == '{"record": "invocation"}\n'


def test_record__completed_text_stream_has_session_timings_chunks_usage_and_stop_reason(serve_agent, http, stdout):
    url = serve_agent(ScriptedModel([["It is ", "14."]]))

    assert stream_values(http, url, {"prompt": "2 + 3 * 4?"}, session=SESSION_A) == ["It is ", "14."]

    record = stdout.record()
    assert record["record"] == INVOCATION_RECORD
    assert (record["session"], record["stream"], record["outcome"], record["status"]) == (
        SESSION_A,
        "text",
        "completed",
        200,
    )
    assert 0 < record["ttfc_ms"] <= record["total_ms"]
    assert record["chunks"] == 2
    assert record["usage"] == {"inputTokens": 11, "outputTokens": 7, "totalTokens": 18}
    assert record["stop_reason"] == "end_turn"
    assert record["tools"] == []
    assert "error" not in record


def test_record__is_exactly_one_line_of_json_per_invocation(serve_agent, http, stdout):
    url = serve_agent(ScriptedModel([["one"], ["two"], ["three"]]))

    for prompt in ("a", "b", "c"):
        stream_values(http, url, {"prompt": prompt})

    records = stdout.records(3)
    assert len(records) == 3
    assert all(record["session"] is None for record in records)
    assert all(record["outcome"] in set(Outcome) for record in records)


def test_record__tool_calls_by_name_with_duration_and_status(serve_agent, http, stdout):
    calls = [ToolCall("get_time", {"timezone": "Asia/Tokyo"}), ToolCall("get_time", {"timezone": "Mars/Olympus"}, "t2")]
    url = serve_agent(ScriptedModel([calls, ["Done."]]))

    stream_values(http, url, {"prompt": "time?", "stream": "events"})

    record = stdout.record()
    assert record["stream"] == "events"
    assert [(tool["name"], tool["status"]) for tool in record["tools"]] == [
        ("get_time", "success"),
        ("get_time", "error"),
    ]
    assert all(isinstance(tool["ms"], float) and tool["ms"] >= 0 for tool in record["tools"])
    assert record["stop_reason"] == "end_turn"


def test_record__model_failure_mid_stream_is_a_model_error_with_its_type_and_message(serve_agent, http, stdout):
    url = serve_agent(ScriptedModel([["Partial ", Fail(RuntimeError("Bedrock is down"))]]))

    values = stream_values(http, url, {"prompt": "hi"}, session=SESSION_A)

    assert values[-1]["type"] == "stream_error"
    record = stdout.record()
    assert (record["outcome"], record["status"], record["chunks"]) == ("model_error", 200, 1)
    assert record["error"] == "RuntimeError: Bedrock is down"
    assert record["usage"] is None


def test_record__client_hanging_up_mid_stream_is_client_hung_up_with_what_was_sent(serve_agent, stdout):
    url = serve_agent(ScriptedModel([[f"{i} " for i in range(40)]], delay=0.05))

    with (
        httpx.Client(timeout=30) as client,
        client.stream("POST", f"{url}/invocations", json={"prompt": "long"}, headers={SESSION_HEADER: SESSION_A}) as r,
    ):
        next(r.iter_lines())  # the first chunk arrived; leaving the block closes the connection

    record = stdout.record()
    assert (record["session"], record["outcome"]) == (SESSION_A, "client_hung_up")
    assert 1 <= record["chunks"] < 40
    assert record["ttfc_ms"] is not None
    assert record["usage"] is None and record["stop_reason"] is None


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b"{not json", 400, "request body is not valid JSON"),
        (b'{"text": "hi"}', 400, 'request body has no "prompt" field'),
        (b'{"prompt": "hi", "stream": "xml"}', 400, '"stream" must be "text" or "events", not "xml"'),
        (json.dumps({"prompt": "x" * 101}).encode(), 413, '"prompt" has 101 characters; the limit is 100'),
    ],
    ids=["not-json", "no-prompt", "bad-stream", "too-long"],
)
def test_record__refused_request_is_refused_with_its_status_and_reason(serve_agent, http, stdout, body, status, reason):
    url = serve_agent(ScriptedModel([]), max_prompt_chars=100)

    response = http.post(
        f"{url}/invocations", content=body, headers={"Content-Type": "application/json", SESSION_HEADER: SESSION_A}
    )

    assert response.status_code == status
    record = stdout.record()
    assert (record["session"], record["outcome"], record["status"]) == (SESSION_A, "refused", status)
    assert record["error"].startswith(reason)
    assert record["chunks"] == 0 and record["ttfc_ms"] is None


def test_record__request_on_a_busy_session_is_refused_409(serve_agent, stdout):
    url = serve_agent(ScriptedModel([[f"{i} " for i in range(10)]], delay=0.1))
    with stream_in_background(url, SESSION_A, "long"), httpx.Client(timeout=30) as client:
        assert invoke(client, url, {"prompt": "meanwhile"}, session=SESSION_A).status_code == 409

    refused, completed = sorted(stdout.records(2), key=lambda record: record["outcome"] != "refused")
    assert (refused["outcome"], refused["status"], refused["stream"]) == ("refused", 409, "text")
    assert "still answering" in refused["error"]
    assert completed["outcome"] == "completed" and completed["chunks"] == 10


def test_record__never_holds_the_prompt_or_the_answer_and_info_logs_do_not_either(serve_agent, http, stdout, caplog):
    url = serve_agent(ScriptedModel([[SECRET_ANSWER]]))

    with caplog.at_level(logging.INFO):
        stream_values(http, url, {"prompt": SECRET_PROMPT, "stream": "events"}, session=SESSION_A)
        stdout.record()

    printed = "\n".join(stdout.lines)
    assert SECRET_PROMPT not in printed and SECRET_ANSWER not in printed
    assert SECRET_PROMPT not in caplog.text and SECRET_ANSWER not in caplog.text
