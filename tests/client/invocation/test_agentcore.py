"""Through real boto3 (signing, serialization, streaming body) against the AgentCore stand-in and the real agent."""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from client import (
    ConfigurationError,
    InvocationError,
    Runtime,
    StreamError,
    ThrottledError,
)
from contract.agentcore import MIN_SESSION_ID_LENGTH
from fakes.dataplane import CutOff, Reject
from fakes.scripted_model import ScriptedModel, ToolCall
from tests.client.invocation.helpers import read_until_it_fails


def runtime(core, **options) -> Runtime:
    return Runtime(core.arn, endpoint_url=core.url, **options)


def test_invoke__request_is_signed_encoded_and_carries_a_valid_session_id(agentcore):
    core = agentcore(ScriptedModel([["ok"]]))

    stream = runtime(core).invoke("hello")
    list(stream)

    [seen] = core.plane.requests
    assert core.plane.problems == []
    assert seen.qualifier == "DEFAULT"
    assert seen.session_id == stream.session_id
    assert len(seen.session_id) >= MIN_SESSION_ID_LENGTH
    assert json.loads(seen.body) == {"prompt": "hello", "stream": "text"}
    assert stream.content_type.startswith("text/event-stream")


def test_invoke__events_mode_yields_typed_events_with_tool_calls_and_usage(agentcore):
    core = agentcore(ScriptedModel([[ToolCall("calculator", {"expression": "2+2"})], ["It is 4."]]))

    events = list(runtime(core).invoke("what is 2+2?", stream="events"))

    kinds = [event["type"] for event in events]
    assert kinds[0] == "tool_use" and kinds[-1] == "done"
    assert events[0]["name"] == "calculator" and events[0]["input"] == {"expression": "2+2"}
    assert "tool_result" in kinds
    assert "".join(event["text"] for event in events if event["type"] == "text") == "It is 4."
    assert events[-1]["usage"]["totalTokens"] > 0


def test_invoke__non_streaming_json_answer_is_one_value(agentcore):
    async def json_agent(request):
        return JSONResponse({"answer": "plain JSON", "quote": '"'})

    core = agentcore(app=Starlette(routes=[Route("/invocations", json_agent, methods=["POST"])]))

    stream = runtime(core).invoke("hi")

    assert stream.content_type.startswith("application/json")
    assert list(stream) == [{"answer": "plain JSON", "quote": '"'}]


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        ("ThrottlingException", 429, ThrottledError),
        ("ServiceQuotaExceededException", 402, ThrottledError),
        ("ValidationException", 400, InvocationError),
        ("AccessDeniedException", 403, InvocationError),
    ],
)
def test_invoke__service_error_becomes_a_typed_exception_with_the_services_message(agentcore, code, status, kind):
    core = agentcore(ScriptedModel([["never"]]))
    core.plane.script.append(Reject(code, status, f"the service says {code}"))

    with pytest.raises(kind) as raised:
        runtime(core).invoke("hi")

    assert raised.value.code == code
    assert raised.value.status == status
    assert raised.value.message == f"the service says {code}"


def test_invoke__unknown_runtime_is_resource_not_found(agentcore):
    core = agentcore(ScriptedModel([["never"]]))
    other = core.arn.replace("AbCdEf1234", "ZzZzZz9999")

    with pytest.raises(InvocationError) as raised:
        Runtime(other, endpoint_url=core.url).invoke("hi")

    assert raised.value.code == "ResourceNotFoundException"
    assert "ZzZzZz9999" in raised.value.message


def test_invoke__agent_rejecting_the_request_is_a_runtime_client_error(agentcore):
    core = agentcore(ScriptedModel([["never"]]), max_prompt_chars=5)

    with pytest.raises(InvocationError) as raised:
        runtime(core).invoke("far too long a prompt")

    assert raised.value.code == "RuntimeClientError"
    assert "413" in raised.value.message


def test_invoke__a_stream_that_breaks_off_is_an_error_and_is_never_sent_again(agentcore, monkeypatch):
    monkeypatch.delenv("AWS_MAX_ATTEMPTS")  # retries on: they still must not replay a started stream
    core = agentcore(ScriptedModel([["first part ", "second part"]], delay=0.1))
    core.plane.script.append(CutOff(after_bytes=len('data: "first part "\n\n')))

    received, error = read_until_it_fails(runtime(core).invoke("hi"))

    assert received == ["first part "]
    assert error.code == "stream_interrupted"
    assert len(core.plane.requests) == 1


def test_invoke__silence_longer_than_the_read_timeout_ends_with_a_stream_error(agentcore):
    core = agentcore(ScriptedModel([["warm"], ["late"]], delay=2.0))
    # The agent's first request loads its tools before answering; only the silence mid-stream is under test.
    list(runtime(core).invoke("warm up"))

    with pytest.raises(StreamError) as raised:
        list(runtime(core, read_timeout=0.5).invoke("hi"))

    assert raised.value.code == "read_timeout"
    assert "0.5 s" in raised.value.message


def test_invoke__missing_credentials_is_a_configuration_error(agentcore, monkeypatch):
    core = agentcore(ScriptedModel([["never"]]))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")

    with pytest.raises(ConfigurationError, match="no AWS credentials"):
        runtime(core).invoke("hi")

    assert core.plane.requests == []


def test_invoke__region_defaults_to_the_arns():
    arn = "arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/streaming_agent-AbCdEf1234"

    assert Runtime(arn).region == "eu-west-1"
    assert Runtime(arn, region="us-west-2").region == "us-west-2"


def test_invoke__malformed_arn_is_rejected_before_any_call():
    with pytest.raises(ConfigurationError, match="not an AgentCore runtime ARN"):
        Runtime("arn:aws:lambda:us-east-1:123456789012:function:agent")


def test_invoke__too_short_session_id_is_rejected_before_any_call(agentcore):
    core = agentcore(ScriptedModel([["never"]]))

    with pytest.raises(ConfigurationError, match=str(MIN_SESSION_ID_LENGTH)):
        runtime(core).invoke("hi", session_id="short")

    assert core.plane.requests == []
