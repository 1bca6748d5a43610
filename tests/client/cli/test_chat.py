"""``python -m client chat``: one session for every line of stdin; piped, a failure ends the chat with its exit code."""

from __future__ import annotations

import io
import sys

from client import cli
from fakes.dataplane import Reject
from fakes.scripted_model import ScriptedModel
from tests.client.cli.helpers import assert_one_error_line, run


def test_cli_chat__piped_prompts_share_one_session(agentcore, capsys, monkeypatch):
    core = agentcore(
        ScriptedModel([["noted"], lambda messages: [f"you first said: {messages[0]['content'][0]['text']}"]])
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO("my name is Ada\n\nwhat did I say?\n"))

    code, out, err = run(capsys, "chat", *core.target())

    assert (code, out, err) == (0, "noted\nyou first said: my name is Ada\n", "")
    assert len({seen.session_id for seen in core.plane.requests}) == 1


def test_cli_chat__piped_failure_stops_with_its_exit_code(agentcore, capsys, monkeypatch):
    core = agentcore(ScriptedModel([["never"]]))
    core.plane.script.append(Reject("ThrottlingException", 429, "Rate exceeded"))
    monkeypatch.setattr(sys, "stdin", io.StringIO("one\ntwo\n"))

    code, _, err = run(capsys, "chat", *core.target())

    assert code == cli.EXIT_REFUSED
    assert_one_error_line(err, "ThrottlingException: Rate exceeded")
    assert len(core.plane.requests) == 1
