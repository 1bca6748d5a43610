"""The relay behind the chat page, over HTTP as a hostile page or client would use it.

It streams each turn as it arrives, ends the agent's turn when the page hangs up, turns every failure into a
readable message, signs AgentCore requests itself (credentials never reach the page), and serves only local files.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from client import LocalAgent, Runtime
from client.web import relay
from client.web.server import CONTENT_SECURITY_POLICY, SESSION_ID_HEADER, STATIC_DIR
from contract.agentcore import SESSION_HEADER
from fakes.live_server import free_port
from fakes.scripted_model import ScriptedModel, ToolCall
from tests.client.web.helpers import JSON, lines, turn

ROOT = Path(__file__).resolve().parents[3]
SESSION = "relay-test-session-" + "x" * 24


def test_relay__a_turn_streams_the_agents_typed_events_and_names_its_session(serve_agent, serve_web, http):
    model = ScriptedModel([["Checking. ", ToolCall("get_time", {"timezone": "UTC"})], ["Done."]])
    url = serve_web(LocalAgent(serve_agent(model)))

    response = turn(http, url, {"prompt": "What time is it?", "session_id": None})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson; charset=utf-8"
    assert len(response.headers[SESSION_ID_HEADER]) >= 33
    events = lines(response)
    assert [event["type"] for event in events] == ["text", "tool_use", "tool_result", "text", "done"]
    assert events[1]["name"] == "get_time" and events[2]["status"] == "success"
    assert events[-1]["usage"]["totalTokens"] == 36


def test_relay__the_session_id_sent_is_the_conversation_continued(serve_agent, serve_web, http):
    model = ScriptedModel([["One."], lambda messages: [f"{len(messages)} messages so far."]])
    url = serve_web(LocalAgent(serve_agent(model)))

    first = turn(http, url, {"prompt": "First", "session_id": SESSION})
    second = turn(http, url, {"prompt": "Second", "session_id": SESSION})

    assert first.headers[SESSION_ID_HEADER] == second.headers[SESSION_ID_HEADER] == SESSION
    assert lines(second)[0]["text"] == "3 messages so far."


def test_relay__the_first_line_leaves_before_the_model_has_finished(serve_agent, serve_web, http):
    model = ScriptedModel([[f"chunk{index} " for index in range(8)]], delay=0.2)
    url = serve_web(LocalAgent(serve_agent(model)))

    with http.stream("POST", f"{url}/api/turns", json={"prompt": "Go", "session_id": None}) as response:
        received = response.iter_lines()
        first = json.loads(next(received))
        emitted_when_read = len(model.emitted_at)
        rest = [json.loads(line) for line in received]

    assert first == {"type": "text", "text": "chunk0 "}
    assert emitted_when_read < 8
    assert rest[-1]["type"] == "done"


def test_relay__a_page_that_hangs_up_ends_the_agents_turn(serve_agent, serve_web, http):
    model = ScriptedModel([[f"chunk{index} " for index in range(100)]], delay=0.05)
    url = serve_web(LocalAgent(serve_agent(model)))

    with http.stream("POST", f"{url}/api/turns", json={"prompt": "Go", "session_id": SESSION}) as response:
        received = response.iter_lines()
        next(received)
    # leaving the block closes the page's connection mid-answer
    time.sleep(0.5)
    emitted_after_hang_up = len(model.emitted_at)
    time.sleep(0.5)

    assert len(model.emitted_at) == emitted_after_hang_up < 100


def test_relay__a_dead_agent_is_a_readable_unreachable_error(serve_web, http):
    url = serve_web(LocalAgent(f"http://127.0.0.1:{free_port()}"))

    response = turn(http, url, {"prompt": "Hello", "session_id": None})

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["kind"] == "unreachable"
    assert "Connection refused" in error["message"] and "make local" in error["message"]


def test_relay__agentcore_turns_are_signed_here_and_credentials_never_reach_the_page(
    agentcore, serve_web, http, monkeypatch
):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIARELAYTESTKEY0001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "relay-test-secret-never-in-the-page")
    core = agentcore(ScriptedModel([["Signed and streamed."]]))
    url = serve_web(Runtime(core.arn, endpoint_url=core.url))

    answers = [http.get(f"{url}{path}") for path in ("/", "/api/target", "/static/app.js")]
    answers.append(turn(http, url, {"prompt": "Hello", "session_id": None}))

    assert lines(answers[-1])[0]["text"] == "Signed and streamed."
    assert core.plane.problems == []
    assert "Credential=AKIARELAYTESTKEY0001/" in core.plane.requests[0].authorization
    for answer in answers:
        seen_by_page = answer.text + json.dumps(dict(answer.headers))
        assert "AKIARELAYTESTKEY0001" not in seen_by_page
        assert "relay-test-secret" not in seen_by_page
        assert "AWS4-HMAC-SHA256" not in seen_by_page


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        (b"{not json", 400, "the request is not JSON"),
        (b"[1, 2]", 400, "send a JSON object"),
        (b'{"session_id": null}', 400, '"prompt" must be a non-empty string'),
        (b'{"prompt": "   "}', 400, '"prompt" must be a non-empty string'),
        (b'{"prompt": "Hi", "session_id": 42}', 400, '"session_id" must be a string or null'),
        (b'{"prompt": "Hi", "session_id": "short"}', 400, "AgentCore needs 33 to 256"),
        (b'{"prompt": "Hi", "session_id": "' + b"x" * 40 + b'\\r\\nX-Injected: yes"}', 400, "control character U+000D"),
        (b'{"prompt": "' + b"x" * (1024 * 1024) + b'"}', 413, "send a shorter prompt"),
    ],
    ids=[
        "not-json",
        "not-an-object",
        "no-prompt",
        "blank-prompt",
        "bad-session-type",
        "short-session",
        "cr-lf-in-session",
        "too-large",
    ],
)
def test_relay__a_bad_turn_request_is_refused_and_never_reaches_the_agent(
    serve_agent, serve_web, http, body, status, fragment
):
    model = ScriptedModel([])
    url = serve_web(LocalAgent(serve_agent(model)))

    response = http.post(f"{url}/api/turns", content=body, headers=JSON)

    assert response.status_code == status
    assert response.json()["error"]["kind"] == "bad_request"
    assert fragment in response.json()["error"]["message"]
    assert model.calls == []
    assert http.get(f"{url}/api/target").status_code == 200  # still serving


def test_relay__another_site_cannot_start_a_turn(serve_agent, serve_web, http):
    model = ScriptedModel([])
    url = serve_web(LocalAgent(serve_agent(model)))

    cross_origin = turn(http, url, {"prompt": "Hi"}, Origin="https://evil.example")
    form_post = http.post(f"{url}/api/turns", content=b'{"prompt": "Hi"}', headers={"Content-Type": "text/plain"})
    rebound = turn(http, url, {"prompt": "Hi"}, Host="evil.example")

    assert (cross_origin.status_code, form_post.status_code, rebound.status_code) == (403, 415, 400)
    assert "not from https://evil.example" in cross_origin.json()["error"]["message"]
    assert model.calls == []


def test_relay__every_answer_carries_the_content_security_policy(serve_agent, serve_web, http):
    url = serve_web(LocalAgent(serve_agent(ScriptedModel([["Hi"]]))))

    answers = [http.get(f"{url}{path}") for path in ("/", "/static/app.js", "/api/target", "/no-such-page")]
    answers.append(turn(http, url, {"prompt": "Hi"}))

    for answer in answers:
        assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe" not in CONTENT_SECURITY_POLICY


def test_relay__the_page_loads_everything_from_this_server(serve_agent, serve_web, http):
    url = serve_web(LocalAgent(serve_agent(ScriptedModel([]))))
    page = http.get(url).text
    module = http.get(f"{url}/static/app.js").text

    referenced = re.findall(r'(?:src|href)="([^"]+)"', page) + re.findall(r'from "([^"]+)"', module)

    assert referenced
    for path in referenced:
        assert not re.match(r"^(?:[a-z]+:)?//", path), f"{path} is not served by the relay"
        served = http.get(f"{url}/static/{path.removeprefix('./')}" if not path.startswith("/") else f"{url}{path}")
        assert served.status_code == 200, path
        if path.endswith((".js", ".mjs")):
            assert served.headers["content-type"].startswith("text/javascript"), path


def test_relay__vendored_libraries_are_the_published_files():
    vendor = STATIC_DIR / "vendor"
    listed = {}
    for line in (vendor / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    shipped = {
        str(path.relative_to(vendor))
        for path in vendor.rglob("*")
        if path.is_file() and path.suffix in {".js", ".mjs", ".css"}
    }

    assert set(listed) == shipped
    for name, digest in listed.items():
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name


@contextmanager
def answering(agent_url: str, session_id: str) -> Iterator[None]:
    """The agent streams a long answer on ``session_id`` to another client until the block ends and it hangs up."""
    with (
        httpx.Client(timeout=30) as client,
        client.stream(
            "POST", f"{agent_url}/invocations", json={"prompt": "Long"}, headers={SESSION_HEADER: session_id}
        ) as response,
    ):
        received = response.iter_lines()  # kept: a dropped line iterator would close the connection at once
        next(received)
        yield


def test_relay__a_turn_waits_while_the_agent_is_still_ending_the_sessions_stopped_turn(serve_agent, serve_web, http):
    model = ScriptedModel([[f"chunk{index} " for index in range(100)], ["Next turn."]], delay=0.05)
    agent_url = serve_agent(model)
    url = serve_web(LocalAgent(agent_url))
    with ExitStack() as other_client:
        other_client.enter_context(answering(agent_url, SESSION))
        threading.Timer(0.5, other_client.close).start()  # the other client hangs up a moment later
        started = time.monotonic()

        response = turn(http, url, {"prompt": "Next", "session_id": SESSION})

    assert response.status_code == 200
    assert lines(response)[0] == {"type": "text", "text": "Next turn."}
    assert time.monotonic() - started >= 0.4  # it waited for the session instead of failing


def test_relay__a_session_busy_for_longer_is_refused_with_the_agents_reason(serve_agent, serve_web, http, monkeypatch):
    monkeypatch.setattr(relay, "BUSY_RETRY_SECONDS", 0.3)
    model = ScriptedModel([[f"chunk{index} " for index in range(100)]], delay=0.05)
    agent_url = serve_agent(model)
    url = serve_web(LocalAgent(agent_url))

    with answering(agent_url, SESSION):
        response = turn(http, url, {"prompt": "Next", "session_id": SESSION})

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["kind"] == "refused"
    assert "is still answering a previous request" in error["message"]
    assert len(model.calls) == 1
