"""What holds however the agent is reached, through AgentCore (boto3, SigV4, the streaming body) or directly (urllib3):
the answer exact and streaming, the session kept, a broken answer and a dead endpoint reported.
"""

from __future__ import annotations

import time

import pytest

from client import EndpointUnreachableError, new_session_id
from fakes.live_server import free_port
from fakes.scripted_model import Fail, ScriptedModel
from tests.client.invocation.helpers import read_until_it_fails
from tests.client.tricky import TRICKY_DELTAS


def test_invoke__reassembles_quotes_backslashes_newlines_and_non_ascii_exactly(transport):
    agent = transport.start(ScriptedModel([TRICKY_DELTAS]))

    assert list(agent.invoke("say something tricky")) == TRICKY_DELTAS


def test_invoke__first_chunk_reaches_the_caller_long_before_the_last(transport):
    deltas = [f"chunk{i} " for i in range(6)]
    model = ScriptedModel([deltas], delay=0.25)
    agent = transport.start(model)

    arrivals = [(time.perf_counter(), value) for value in agent.invoke("slowly")]

    first_at, last_at = arrivals[0][0], arrivals[-1][0]
    assert [value for _, value in arrivals] == deltas
    assert first_at < model.emitted_at[1], "the first chunk waited for the model's second one"
    assert last_at - first_at > 1.0, "chunks arrived together: something buffered the stream"
    lags = [arrived - emitted for (arrived, _), emitted in zip(arrivals, model.emitted_at, strict=True)]
    assert max(lags) < 0.25, f"a chunk waited {max(lags):.3f}s between the model and the caller"


def test_invoke__same_session_id_continues_the_conversation(transport):
    def recall(messages):
        return [f"you first said: {messages[0]['content'][0]['text']}"]

    agent, session_id = transport.start(ScriptedModel([["noted"], recall])), new_session_id()

    first = agent.invoke("my name is Ada", session_id=session_id).text()
    second = agent.invoke("what did I say?", session_id=session_id)

    assert first == "noted"
    assert second.text() == "you first said: my name is Ada"
    assert second.session_id == session_id


def test_invoke__error_event_after_partial_answer_raises_stream_error_with_the_agents_message(transport):
    agent = transport.start(ScriptedModel([["partial answer", Fail(RuntimeError("model connection reset"))]]))

    received, error = read_until_it_fails(agent.invoke("fail midway"))

    assert received == ["partial answer"]
    assert error.code == "stream_error"
    assert "model connection reset" in error.message


def test_invoke__nothing_listening_is_unreachable_with_the_url_and_the_reason(transport):
    url = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(EndpointUnreachableError) as raised:
        transport.nothing_at(url).invoke("hi")

    assert url in raised.value.message
    assert "refused" in raised.value.message.lower()
