"""``python -m client stop-session`` and ``--endpoint``: real boto3 through the local AgentCore stand-in.

``--endpoint`` travels as the ``qualifier`` of ``InvokeAgentRuntime`` and ``StopRuntimeSession``; a session the
stand-in never saw is not found, as AgentCore answers; ``chat`` on a terminal says how to end its session.
"""

from __future__ import annotations

import io
import sys

import pytest

from client import cli
from contract.deployment import CLI_COMMAND
from fakes.scripted_model import ScriptedModel
from tests.agent.helpers import SESSION_A, SESSION_B
from tests.client.cli.helpers import assert_one_error_line, run


@pytest.fixture
def core(agentcore):
    return agentcore(ScriptedModel([["hello"]], repeat=True))


def invoked(capsys, core, session, *extra):
    code, _, _ = run(capsys, "invoke", *core.target(), "--session", session, *extra, "hi")
    assert code == 0


def test_invoke__endpoint_is_the_qualifier_agentcore_routes_by(capsys, core):
    invoked(capsys, core, SESSION_A, "--endpoint", "live")
    invoked(capsys, core, SESSION_B)

    assert [seen.qualifier for seen in core.plane.requests] == ["live", "DEFAULT"]


def test_stop_session__ends_the_session_on_the_endpoint_it_ran_on(capsys, core):
    invoked(capsys, core, SESSION_A, "--endpoint", "live")

    code, out, err = run(capsys, "stop-session", SESSION_A, *core.target(), "--endpoint", "live")

    assert (code, out) == (0, "")
    assert err == f"stopped session {SESSION_A} (live)\n"
    assert core.plane.stopped == [(SESSION_A, "live")]
    assert core.plane.problems == []


def test_stop_session__a_session_agentcore_does_not_run_is_refused_in_one_line(capsys, core):
    invoked(capsys, core, SESSION_A)

    code, _, err = run(capsys, "stop-session", SESSION_B, *core.target())

    assert code == cli.EXIT_REFUSED
    assert_one_error_line(err, "ResourceNotFoundException", SESSION_B)
    assert core.plane.stopped == []


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["stop-session", SESSION_A, "--url", "http://127.0.0.1:8080"], "--url does not apply: a local agent"),
        (["stop-session", "short"], "session id"),
        (["invoke", "--endpoint", "pre-prod", "--arn", "x", "hi"], "endpoint name 'pre-prod' is not accepted"),
        (["invoke", "--url", "http://127.0.0.1:8080", "--endpoint", "live", "hi"], "--endpoint apply to AgentCore"),
    ],
    ids=["local agent", "bad session id", "bad endpoint name", "endpoint with --url"],
)
def test_usage__what_cannot_mean_anything_is_a_usage_error(capsys, argv, says):
    code, _, err = run(capsys, *argv)

    assert code == cli.EXIT_USAGE
    assert says in err


def test_chat__on_a_terminal_says_how_to_end_the_session_when_it_leaves(capsys, core, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Terminal("hi\n"))

    code, _, err = run(capsys, "chat", *core.target(), "--session", SESSION_A, "--endpoint", "live")

    assert code == 0
    assert f"end it now with: {CLI_COMMAND} stop-session {SESSION_A} --endpoint live" in err
