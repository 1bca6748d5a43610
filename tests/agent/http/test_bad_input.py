"""Unusable requests get a 4xx JSON error that says what to send instead, and the server keeps serving."""

from __future__ import annotations

import json
import logging
import socket
import time

import httpx
import pytest

from agent.settings import AgentSettings
from contract.agentcore import ACTOR_HEADER, SESSION_HEADER
from fakes.agent_process import agent_process
from fakes.scripted_model import ScriptedModel
from tests.agent.helpers import SESSION_A, stream_values

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
    limit = AgentSettings(max_prompt_chars=100).max_body_bytes

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


HOSTILE_BODIES = {
    "nested 2,000 levels": (b'{"prompt": ' + b"[" * 2000 + b"]" * 2000 + b"}", "nested too deeply"),
    "5,000-digit integer": (b'{"prompt": "hi", "n": ' + b"9" * 5000 + b"}", "5000 digits"),
    "lone surrogate in a value": (b'{"prompt": "\\ud800"}', "lone UTF-16 surrogate (U+D800)"),
    "lone surrogate in a key": (b'{"prompt": "hi", "\\udc00": 1}', "lone UTF-16 surrogate (U+DC00)"),
    "CESU-8 bytes": (b'{"prompt": "\xed\xa0\x80"}', "not UTF-8"),
    "UTF-16 body": ('{"prompt": "hi"}'.encode("utf-16"), "not UTF-8"),
}


@pytest.mark.parametrize(("body", "fragment"), HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_hostile_body__is_a_400_json_error_never_a_500(serve_agent, http, body, fragment):
    url = serve_agent(ScriptedModel([["still serving"]]))  # default limits: every body here is small enough

    response = http.post(f"{url}/invocations", content=body, headers={"Content-Type": "application/json"})

    assert_helpful_error(response, 400, fragment)


def test_surrogate_pair__is_valid_text_and_is_served(agent_url, http):
    assert stream_values(http, agent_url, {"prompt": "\U0001f600"}) == ["still serving"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/nowhere", 404), ("GET", "/invocations", 405), ("DELETE", "/ping", 405), ("PUT", "/invocations", 405)],
)
def test_framework_errors__answer_as_json_like_every_refusal(agent_url, http, method, path, status):
    response = http.request(method, f"{agent_url}{path}")

    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert path in response.json()["error"]
    assert "/invocations" in response.json()["hint"]


def test_body_that_never_finishes__is_cut_off_with_408_holding_no_session(serve_agent):
    url = serve_agent(ScriptedModel([["served"]]), body_timeout_seconds=0.3)
    port = int(url.rsplit(":", 1)[1])
    head = (
        f"POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{SESSION_HEADER}: {SESSION_A}\r\nContent-Length: 1000\r\n\r\n"
    ).encode()

    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head + b'{"prompt": "never fini')
        answer = b""
        while chunk := sock.recv(65536):  # the server closes the connection after answering
            answer += chunk
    waited = time.monotonic() - started

    status_line, _, body = answer.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 408")
    assert b"did not arrive within 0.3 s" in body
    assert waited < 2
    with httpx.Client(timeout=5) as http:
        assert stream_values(http, url, {"prompt": "hello"}, session=SESSION_A) == ["served"], "no session was held"


def test_empty_session_header__is_no_session_so_callers_never_share_a_conversation(serve_agent, http):
    model = ScriptedModel([["one"], ["two"]])
    url = serve_agent(model)

    for prompt in ("my secret is 42", "what is my secret?"):
        response = http.post(f"{url}/invocations", json={"prompt": prompt}, headers={SESSION_HEADER: ""})
        assert response.status_code == 200

    assert model.calls[1] == [{"role": "user", "content": [{"text": "what is my secret?"}]}]


CONTROL_CHARACTERS = {
    "CR": b"\r",
    "LF": b"\n",
    "NUL": b"\x00",
    "SOH": b"\x01",
    "DEL": b"\x7f",
    "TAB": b"\t",
    "C1 NEL as a byte": b"\x85",
    "C1 NEL in UTF-8": b"\xc2\x85",
    "C1 CSI": b"\x9b",
}


@pytest.fixture(scope="module")
def agent_server():
    """The agent as the container runs it: its HTTP parser answers what never reaches the app."""
    with agent_process("tools") as agent:
        yield agent


def raw_invocation(port: int, headers: list[bytes]) -> tuple[int, str, dict]:
    body = b'{"prompt": "hello"}'
    head = b"POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
    head += b"".join(header + b"\r\n" for header in headers)
    head += b"Content-Length: %d\r\n\r\n" % len(body)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    head_lines, _, payload = rest.partition(b"\r\n\r\n")
    content_type = next(
        line.split(b":", 1)[1].strip().decode()
        for line in head_lines.split(b"\r\n")
        if line.lower().startswith(b"content-type:")
    )
    return int(status_line.split()[1]), content_type, json.loads(payload)


@pytest.mark.parametrize("character", CONTROL_CHARACTERS.values(), ids=CONTROL_CHARACTERS.keys())
@pytest.mark.parametrize("header", [SESSION_HEADER, ACTOR_HEADER], ids=["session id", "actor id"])
def test_control_character_in_an_id_header__is_a_400_json_error_and_the_server_keeps_serving(
    agent_server, header, character
):
    value = b"session-" + b"a" * 30 + character + b"b" * 5

    status, content_type, body = raw_invocation(agent_server.port, [header.encode() + b": " + value])

    assert status == 400
    assert content_type == "application/json"
    assert "control character" in body["error"]
    assert body["hint"]
    assert stream_values(httpx.Client(timeout=10), agent_server.url, {"prompt": "still serving"}) == ["still serving"]


def test_control_character_in_the_session_id__is_refused_before_the_session_is_used(serve_agent, http):
    model = ScriptedModel([["first"], ["second"]])
    url = serve_agent(model)
    http.post(f"{url}/invocations", json={"prompt": "mine"}, headers={SESSION_HEADER: SESSION_A})

    forged = SESSION_A[:10] + "\t" + SESSION_A[10:]

    refused = http.post(f"{url}/invocations", json={"prompt": "theirs"}, headers={SESSION_HEADER: forged})

    assert refused.status_code == 400
    assert refused.json()["error"] == (
        f"header {SESSION_HEADER}: session id {forged!r} holds a control character (U+0009); an id is printable text"
    )
    assert len(model.calls) == 1, "the refused request never reached the model"
