"""The same API against a locally running agent (``--url``), over plain HTTP with urllib3."""

from __future__ import annotations

import time

import pytest

from client import EndpointUnreachableError, InvocationError, LocalAgent, StreamError, connect, new_session_id
from fakes.live_server import free_port
from fakes.scripted_model import Fail, ScriptedModel

TRICKY_DELTAS = ['She said "hi"', " \\ back\\slash", "\nnew line\n", " naïve café ☕ 日本語", " \t tab", "\u2028end"]


def test_local__reassembles_tricky_text_exactly(serve_agent):
    url = serve_agent(ScriptedModel([TRICKY_DELTAS]))

    assert list(LocalAgent(url).invoke("tricky")) == TRICKY_DELTAS


def test_local__connect_with_a_url_targets_the_local_agent(serve_agent):
    url = serve_agent(ScriptedModel([["hi"]]))

    agent = connect(url + "/")

    assert isinstance(agent, LocalAgent)
    assert agent.invoke("hello").text() == "hi"


def test_local__first_chunk_arrives_long_before_the_last(serve_agent):
    deltas = [f"chunk{i} " for i in range(6)]
    model = ScriptedModel([deltas], delay=0.25)
    url = serve_agent(model)

    arrivals = [(time.perf_counter(), value) for value in LocalAgent(url).invoke("slowly")]

    first_at, last_at = arrivals[0][0], arrivals[-1][0]
    assert [value for _, value in arrivals] == deltas
    assert first_at < model.emitted_at[1], "the first chunk waited for the model's second one"
    assert last_at - first_at > 1.0, "chunks arrived together: something buffered the stream"


def test_local__session_id_keeps_the_conversation(serve_agent):
    url = serve_agent(ScriptedModel([["noted"], lambda messages: [f"{len(messages)} messages so far"]]))
    agent, session_id = LocalAgent(url), new_session_id()

    agent.invoke("remember this", session_id=session_id).text()

    assert agent.invoke("and now?", session_id=session_id).text() == "3 messages so far"


def test_local__agent_4xx_becomes_invocation_error_with_the_agents_error_and_hint(serve_agent):
    url = serve_agent(ScriptedModel([["never"]]))

    with pytest.raises(InvocationError) as raised:
        LocalAgent(url).invoke("   ")

    assert raised.value.code == "HTTP 400"
    assert raised.value.status == 400
    assert "empty" in raised.value.message
    assert "prompt" in raised.value.hint


def test_local__second_request_on_a_busy_session_is_refused_with_409(serve_agent):
    url = serve_agent(ScriptedModel([["slow ", "answer"]], delay=0.5))
    agent, session_id = LocalAgent(url), new_session_id()

    with agent.invoke("first", session_id=session_id) as first:
        next(first)
        with pytest.raises(InvocationError) as raised:
            agent.invoke("second", session_id=session_id)

    assert raised.value.status == 409
    assert "still answering" in raised.value.message


def test_local__error_event_raises_stream_error(serve_agent):
    url = serve_agent(ScriptedModel([["part", Fail(RuntimeError("boom"))]]))

    with pytest.raises(StreamError, match="boom"):
        list(LocalAgent(url).invoke("fail"))


def test_local__nothing_listening_is_unreachable_with_the_reason():
    url = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(EndpointUnreachableError) as raised:
        LocalAgent(url).invoke("hi")

    assert url in raised.value.message
    assert "refused" in raised.value.message.lower()


def test_local__ping_reports_health(serve_agent):
    url = serve_agent(ScriptedModel([]))

    assert LocalAgent(url).ping()["status"] in {"Healthy", "HealthyBusy"}
