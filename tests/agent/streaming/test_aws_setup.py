"""A model that cannot be called at all (no AWS credentials, refused ones, no Region) answers with the fix in one
error event, and the server says so in one line, not a traceback per request; it keeps serving."""

from __future__ import annotations

import logging

import pytest
from botocore.exceptions import ClientError, NoCredentialsError, NoRegionError

from agent.streaming import aws_setup
from contract.stream import AWS_SETUP_ERROR, EventType
from fakes.scripted_model import Fail, ScriptedModel
from tests.agent.helpers import stream_values

EXPIRED = ClientError(
    {"Error": {"Code": "ExpiredTokenException", "Message": "The security token included in the request is expired"}},
    "ConverseStream",
)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NoCredentialsError(), aws_setup.NO_CREDENTIALS),
        (NoRegionError(), aws_setup.NO_REGION),
        (EXPIRED, aws_setup.REFUSED_CREDENTIALS.format(reason="ExpiredTokenException")),
    ],
    ids=["no credentials", "no region", "expired token"],
)
def test_stream__aws_setup_failure_before_any_answer_is_one_event_naming_the_fix(error, expected, serve_agent, http):
    url = serve_agent(ScriptedModel([[Fail(error)]]))

    values = stream_values(http, url, {"prompt": "hi"})

    assert values == [{"error": expected, "type": EventType.STREAM_ERROR, "code": AWS_SETUP_ERROR}]
    assert "Fix: " in expected


def test_stream__aws_setup_failure_in_events_mode_is_the_same_one_event(serve_agent, http):
    url = serve_agent(ScriptedModel([[Fail(NoCredentialsError())]]))

    values = stream_values(http, url, {"prompt": "hi", "stream": "events"})

    assert values == [{"error": aws_setup.NO_CREDENTIALS, "type": EventType.STREAM_ERROR, "code": AWS_SETUP_ERROR}]


def test_stream__aws_setup_failure_is_logged_in_one_line_without_a_traceback(serve_agent, http, caplog):
    url = serve_agent(ScriptedModel([[Fail(NoCredentialsError())]]))

    with caplog.at_level(logging.INFO, logger="agent.streaming.events"):
        stream_values(http, url, {"prompt": "hi"})

    logged = [record for record in caplog.records if record.name == "agent.streaming.events"]
    assert [(record.levelname, record.exc_info) for record in logged] == [("ERROR", None)]
    assert "\n" not in logged[0].getMessage()
    assert "NoCredentialsError" in logged[0].getMessage() and "aws configure" in logged[0].getMessage()


def test_stream__server_keeps_serving_after_an_aws_setup_failure(serve_agent, http):
    url = serve_agent(ScriptedModel([[Fail(NoCredentialsError())], ["now it works"]]))
    stream_values(http, url, {"prompt": "hi"})

    assert stream_values(http, url, {"prompt": "again"}) == ["now it works"]


def test_stream__credentials_failing_after_the_answer_began_is_an_ordinary_broken_stream(serve_agent, http):
    url = serve_agent(ScriptedModel([["It is ", Fail(NoCredentialsError())]]))

    values = stream_values(http, url, {"prompt": "hi"})

    assert values[0] == "It is "
    assert values[-1] == {"error": "NoCredentialsError: Unable to locate credentials", "type": EventType.STREAM_ERROR}


def test_stream__any_other_failure_before_the_answer_keeps_its_traceback_and_has_no_setup_code(
    serve_agent, http, caplog
):
    url = serve_agent(ScriptedModel([[Fail(RuntimeError("model exploded"))]]))

    with caplog.at_level(logging.ERROR, logger="agent.streaming.events"):
        values = stream_values(http, url, {"prompt": "hi"})

    assert values == [{"error": "RuntimeError: model exploded", "type": EventType.STREAM_ERROR}]
    assert [record.exc_info is not None for record in caplog.records if record.name == "agent.streaming.events"] == [
        True
    ]


def test_setup_problem__is_found_through_the_errors_a_library_raised_it_from():
    try:
        try:
            raise NoCredentialsError()
        except NoCredentialsError as cause:
            raise RuntimeError("the model provider failed") from cause
    except RuntimeError as wrapped:
        assert aws_setup.setup_problem(wrapped) == aws_setup.NO_CREDENTIALS


def test_setup_problem__none_for_a_service_refusal_that_is_not_about_credentials():
    throttled = ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "ConverseStream")

    assert aws_setup.setup_problem(throttled) is None
