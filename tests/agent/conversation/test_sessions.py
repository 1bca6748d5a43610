"""Conversation history lives per AgentCore session, bounded, and one session answers one request at a time."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from agent.conversation.sessions import SessionBusy, SessionStore
from contract.agentcore import SESSION_HEADER
from fakes.scripted_model import ScriptedModel
from fakes.sse import sse_values
from tests.agent.helpers import (
    SESSION_A,
    SESSION_B,
    invoke,
    port_of,
    raw_invocation,
    served_in_own_process,
    stream_in_background,
    stream_values,
)


def user_prompts(messages: list[dict]) -> list[str]:
    return [block["text"] for m in messages if m["role"] == "user" for block in m["content"] if "text" in block]


def test_same_session__continues_the_conversation(serve_agent, http):
    model = ScriptedModel([["Nice to meet you, Ada."], ["Your name is Ada."]])
    url = serve_agent(model)

    stream_values(http, url, {"prompt": "My name is Ada."}, session=SESSION_A)
    stream_values(http, url, {"prompt": "What is my name?"}, session=SESSION_A)

    assert user_prompts(model.calls[1]) == ["My name is Ada.", "What is my name?"]
    assert {"text": "Nice to meet you, Ada."} in model.calls[1][1]["content"]


def test_different_session__never_sees_another_sessions_history(serve_agent, http):
    model = ScriptedModel([["Hi Ada."], ["I don't know your name."]])
    url = serve_agent(model)

    stream_values(http, url, {"prompt": "My name is Ada."}, session=SESSION_A)
    stream_values(http, url, {"prompt": "What is my name?"}, session=SESSION_B)

    assert user_prompts(model.calls[1]) == ["What is my name?"]


def test_no_session_header__each_request_is_a_fresh_conversation(serve_agent, http):
    model = ScriptedModel([["one"], ["two"]])
    url = serve_agent(model)

    stream_values(http, url, {"prompt": "first"})
    stream_values(http, url, {"prompt": "second"})

    assert user_prompts(model.calls[1]) == ["second"]


def test_concurrent_request_on_a_busy_session__is_refused_with_409_and_never_interleaves(serve_agent, http):
    model = ScriptedModel([[f"{i} " for i in range(8)], ["after"]], delay=0.1)
    url = serve_agent(model)

    with stream_in_background(url, SESSION_A, "long") as first_values, httpx.Client(timeout=30) as client:
        clash = invoke(client, url, {"prompt": "meanwhile"}, session=SESSION_A)
        other = stream_values(client, url, {"prompt": "elsewhere"}, session=SESSION_B)
    after = stream_values(http, url, {"prompt": "now"}, session=SESSION_A)

    assert clash.status_code == 409
    assert "still answering" in clash.json()["error"]
    assert "hint" in clash.json()
    assert len(first_values) == 8
    assert other == ["after"]
    assert after, "the session accepts requests again once its stream ended"
    assert user_prompts(model.calls[-1]) == ["long", "now"]


def test_client_disconnect_mid_stream__releases_the_session(serve_agent):
    model = ScriptedModel([[f"{i} " for i in range(20)], ["again"]], delay=0.05)
    url = serve_agent(model)

    with httpx.Client(timeout=30) as client:
        with client.stream(
            "POST", f"{url}/invocations", json={"prompt": "long"}, headers={SESSION_HEADER: SESSION_A}
        ) as response:
            next(response.iter_lines())
        # leaving the block closes the connection mid-stream
        for _ in range(50):
            retry = invoke(client, url, {"prompt": "again"}, session=SESSION_A)
            if retry.status_code != 409:
                break
            threading.Event().wait(0.1)

    assert retry.status_code == 200
    assert list(sse_values(retry.text.split("\n"))) == ["again"], "the agent finished its turn when the client left"


def test_session_store__holds_at_most_capacity_conversations_evicting_the_least_recent():
    created: list[object] = []
    store: SessionStore[object] = SessionStore(lambda: created.append(object()) or created[-1], capacity=2)

    for session in ("a", "b", "a", "c"):
        store.acquire(session)
        store.release(session)
    again_a = store.acquire("a")
    store.release("a")
    again_b = store.acquire("b")

    assert len(store) == 2
    assert again_a is created[0], "a was used recently and kept"
    assert again_b is created[3], "b was least recently used, evicted, and starts over"


def test_session_store__refuses_a_second_acquire_until_release():
    store: SessionStore[int] = SessionStore(lambda: 1, capacity=4)
    store.acquire("s")

    with pytest.raises(SessionBusy):
        store.acquire("s")
    store.release("s")

    assert store.acquire("s") == 1


def test_session_store__never_evicts_a_busy_session():
    store: SessionStore[object] = SessionStore(object, capacity=1)
    busy = store.acquire("busy")

    store.acquire("other")
    store.release("other")
    store.release("busy")

    assert store.acquire("busy") is busy


SERVE_IN_SUBPROCESS = """
import sys, time
from agent.settings import AgentSettings
from agent.server import create_app
from fakes.live_server import serve
from fakes.scripted_model import ScriptedModel

with serve(create_app(model=ScriptedModel([["turn"]], repeat=True), settings=AgentSettings())) as url:
    print(url, flush=True)
    sys.stdin.read()
"""


def test_same_session__next_turn_sent_the_moment_the_last_event_arrives_is_accepted():
    with served_in_own_process(SERVE_IN_SUBPROCESS) as url:
        statuses = [raw_turn(port_of(url), SESSION_A) for _ in range(100)]

    assert set(statuses) == {200}


def raw_turn(port: int, session: str) -> int:
    """Send a turn and return its status as soon as the terminating chunk arrives, without waiting for close."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(raw_invocation(session, "next"))
        received = b""
        while not (received.endswith(b"0\r\n\r\n") or (b"\r\n\r\n" in received and b"chunked" not in received)):
            data = sock.recv(65536)
            if not data:
                break
            received += data
    return int(received.split(b" ", 2)[1])
