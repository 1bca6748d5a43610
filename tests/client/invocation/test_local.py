"""The same API against a locally running agent (``--url``), over plain HTTP with urllib3."""

from __future__ import annotations

import pytest

from client import InvocationError, LocalAgent, connect, new_session_id
from fakes.scripted_model import ScriptedModel


def test_local__connect_with_a_url_targets_the_local_agent(serve_agent):
    url = serve_agent(ScriptedModel([["hi"]]))

    agent = connect(url + "/")

    assert isinstance(agent, LocalAgent)
    assert agent.invoke("hello").text() == "hi"


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


def test_local__ping_reports_health(serve_agent):
    url = serve_agent(ScriptedModel([]))

    assert LocalAgent(url).ping()["status"] in {"Healthy", "HealthyBusy"}
