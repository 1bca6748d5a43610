"""Unusable requests get a 4xx JSON error that says what to send instead, and the server keeps serving."""

from __future__ import annotations

import logging

import pytest

from agent.config import Settings
from tests.agent.helpers import stream_values
from tests.fixtures.scripted_model import ScriptedModel

BAD_JSON_BODIES = {
    "invalid JSON": (b'{"prompt": "unterminated', 400, "not valid JSON"),
    "not UTF-8": (b'{"prompt": "\xff\xfe"}', 400, "not UTF-8"),
    "empty body": (b"", 400, "not valid JSON"),
}

BAD_PAYLOADS = {
    "array body": ([{"prompt": "hi"}], 400, "must be a JSON object, not a JSON array"),
    "string body": ("hi", 400, "must be a JSON object, not a JSON string"),
    "missing prompt": ({"question": "hi"}, 400, 'no "prompt" field'),
    "empty prompt": ({"prompt": ""}, 400, '"prompt" is empty'),
    "blank prompt": ({"prompt": "  \n "}, 400, '"prompt" is empty'),
    "numeric prompt": ({"prompt": 42}, 400, '"prompt" must be a string, not a JSON number'),
    "null prompt": ({"prompt": None}, 400, '"prompt" must be a string, not a JSON null'),
    "unknown stream mode": ({"prompt": "hi", "stream": "xml"}, 400, '"stream" must be "text" or "events", not "xml"'),
    "oversized prompt": ({"prompt": "x" * 101}, 413, '"prompt" has 101 characters; the limit is 100'),
}


@pytest.fixture
def agent_url(serve_agent):
    return serve_agent(ScriptedModel([["still serving"]]), max_prompt_chars=100)


def assert_helpful_error(response, status: int, fragment: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert fragment in body["error"]
    assert '"prompt"' in body["hint"]
    assert body["example"] == {"prompt": "What time is it in Tokyo?"}


@pytest.mark.parametrize(("body", "status", "fragment"), BAD_JSON_BODIES.values(), ids=BAD_JSON_BODIES.keys())
def test_malformed_body__is_rejected_with_a_helpful_json_error(agent_url, http, body, status, fragment):
    response = http.post(f"{agent_url}/invocations", content=body, headers={"Content-Type": "application/json"})

    assert_helpful_error(response, status, fragment)


@pytest.mark.parametrize(("payload", "status", "fragment"), BAD_PAYLOADS.values(), ids=BAD_PAYLOADS.keys())
def test_invalid_payload__is_rejected_with_a_helpful_json_error(agent_url, http, payload, status, fragment):
    response = http.post(f"{agent_url}/invocations", json=payload)

    assert_helpful_error(response, status, fragment)


def test_body_larger_than_any_valid_prompt__is_rejected_before_it_is_parsed(agent_url, http):
    limit = Settings(max_prompt_chars=100).max_body_bytes

    response = http.post(f"{agent_url}/invocations", content=b"[" + b" " * limit + b"]")

    assert_helpful_error(response, 413, f"exceeds {limit} bytes")


def test_bad_requests__leave_the_server_serving(agent_url, http):
    for body, _, _ in BAD_JSON_BODIES.values():
        http.post(f"{agent_url}/invocations", content=body)
    for payload, _, _ in BAD_PAYLOADS.values():
        http.post(f"{agent_url}/invocations", json=payload)

    assert stream_values(http, agent_url, {"prompt": "hello"}) == ["still serving"]
    assert http.get(f"{agent_url}/ping").status_code == 200


def test_prompt_text__never_appears_in_logs_above_debug(serve_agent, http, caplog):
    secret = "my-password-is-hunter2"
    url = serve_agent(ScriptedModel([["ok"]]))

    with caplog.at_level(logging.DEBUG):
        stream_values(http, url, {"prompt": f"remember {secret}"})
        http.post(f"{url}/invocations", json={"prompt": f"{secret}", "stream": "bogus"})

    leaked = [r for r in caplog.records if r.levelno > logging.DEBUG and secret in r.getMessage()]
    assert leaked == []
    assert any(secret in r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG), "DEBUG may show it"
