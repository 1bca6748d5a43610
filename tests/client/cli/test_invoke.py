"""``python -m client invoke``: the answer on stdout exactly as streamed, chunk by chunk; the runtime found from the
deployed stack when no --arn or --url names it.
"""

from __future__ import annotations

import io
import sys

from client import cli
from contract.deployment import DEFAULT_STACK_NAME, OUTPUT_RUNTIME_ARN, STACK_NAME_ENV
from fakes.scripted_model import ScriptedModel, ToolCall
from tests.client.cli.helpers import assert_one_error_line, run
from tests.client.tricky import TRICKY_DELTAS

SESSION = "cli-test-session-" + "x" * 24


def test_cli_invoke__url_prints_exactly_the_streamed_answer(serve_agent, capsys):
    url = serve_agent(ScriptedModel([TRICKY_DELTAS]))

    code, out, err = run(capsys, "invoke", "--url", url, "say something tricky")

    assert (code, out, err) == (0, "".join(TRICKY_DELTAS), "")


def test_cli_invoke__arn_through_agentcore_prints_exactly_the_streamed_answer(agentcore, capsys):
    core = agentcore(ScriptedModel([TRICKY_DELTAS]))

    code, out, err = run(capsys, "invoke", *core.target(), "say something tricky")

    assert (code, out, err) == (0, "".join(TRICKY_DELTAS), "")


def test_cli_invoke__writes_each_chunk_as_it_arrives(serve_agent, monkeypatch):
    deltas = [f"chunk{i} " for i in range(5)]
    url = serve_agent(ScriptedModel([deltas], delay=0.25))
    writes = []

    class Clock(io.StringIO):
        def write(self, text):
            writes.append(text)
            return super().write(text)

    monkeypatch.setattr(sys, "stdout", Clock())
    assert cli.main(["invoke", "--url", url, "slowly"]) == 0

    assert writes == deltas


def test_cli_invoke__prompt_dash_reads_stdin(serve_agent, capsys, monkeypatch):
    url = serve_agent(ScriptedModel([lambda messages: [messages[-1]["content"][0]["text"].upper()]]))
    monkeypatch.setattr(sys, "stdin", io.StringIO("from stdin"))

    code, out, _ = run(capsys, "invoke", "--url", url, "-")

    assert (code, out) == (0, "FROM STDIN")


def test_cli_invoke__session_continues_the_conversation(agentcore, capsys):
    core = agentcore(
        ScriptedModel([["noted"], lambda messages: [f"you first said: {messages[0]['content'][0]['text']}"]])
    )

    run(capsys, "invoke", *core.target(), "--session", SESSION, "my name is Ada")
    code, out, _ = run(capsys, "invoke", *core.target(), "--session", SESSION, "what did I say?")

    assert (code, out) == (0, "you first said: my name is Ada")
    assert {seen.session_id for seen in core.plane.requests} == {SESSION}


def test_cli_invoke__events_shows_tool_calls_results_and_done_on_their_own_lines(agentcore, capsys):
    core = agentcore(ScriptedModel([["Let me compute. ", ToolCall("calculator", {"expression": "2+2"})], ["It is 4."]]))

    code, out, err = run(capsys, "invoke", *core.target(), "--events", "what is 2+2?")

    lines = out.splitlines()
    assert (code, err) == (0, "")
    assert lines[0] == "Let me compute. "
    assert lines[1] == '[tool_use calculator {"expression": "2+2"}]'
    assert lines[2].startswith("[tool_result success ")
    assert lines[3] == "It is 4."
    assert lines[4].startswith("[done end_turn tokens in=")


def test_cli_invoke__stats_go_to_stderr_and_leave_stdout_exact(agentcore, capsys):
    core = agentcore(ScriptedModel([["a", "b", "c"]]))

    code, out, err = run(capsys, "invoke", *core.target(), "--stats", "--session", SESSION, "hi")

    assert (code, out) == (0, "abc")
    [stats] = err.splitlines()
    assert stats.startswith("stats: ttfc_ms=")
    assert "chunks=3 chars=3" in stats
    assert "total_s=" in stats
    assert "tokens_in=11 tokens_out=7 tokens_total=18" in stats


def test_cli_invoke__stats_without_session_tell_how_to_continue(serve_agent, capsys):
    url = serve_agent(ScriptedModel([["a"]]))

    code, _, err = run(capsys, "invoke", "--url", url, "--stats", "hi")

    assert code == 0
    assert "continue with --session session-" in err


def test_cli_invoke__without_arn_uses_the_deployed_stacks_runtime_arn_output(agentcore, capsys, monkeypatch):
    core = agentcore(ScriptedModel([["found it"]]))
    core.plane.stacks[DEFAULT_STACK_NAME] = {OUTPUT_RUNTIME_ARN: core.arn}
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", core.url)

    code, out, _ = run(capsys, "invoke", "--endpoint-url", core.url, "hi")

    assert (code, out) == (0, "found it")


def test_cli_invoke__stack_name_comes_from_the_environment(agentcore, capsys, monkeypatch):
    core = agentcore(ScriptedModel([["renamed"]]))
    core.plane.stacks["MyAgentStack"] = {OUTPUT_RUNTIME_ARN: core.arn}
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", core.url)
    monkeypatch.setenv(STACK_NAME_ENV, "MyAgentStack")

    code, out, _ = run(capsys, "invoke", "--endpoint-url", core.url, "hi")

    assert (code, out) == (0, "renamed")


def test_cli_invoke__no_deployed_stack_says_how_to_fix_it(agentcore, capsys, monkeypatch):
    core = agentcore(ScriptedModel([]))
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", core.url)

    code, _, err = run(capsys, "invoke", "--endpoint-url", core.url, "hi")

    assert code == cli.EXIT_CONFIGURATION
    assert_one_error_line(err, f"no stack named '{DEFAULT_STACK_NAME}' is deployed in us-east-1", "--arn")
