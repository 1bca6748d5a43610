"""The client and AgentCore Memory: a conversation resumed days later by its session id, and the list of them."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from client import cli
from contract.agentcore import DEFAULT_ACTOR_ID
from contract.deployment import DEFAULT_STACK_NAME, OUTPUT_MEMORY_ID, OUTPUT_RUNTIME_ARN
from fakes.memory_plane import MEMORY_ID, MemoryPlane
from fakes.scripted_model import ScriptedModel
from tests.client.cli.helpers import run

SESSION = "resumed-session-" + "r" * 24
OTHER = "another-session-" + "o" * 24


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def saved(plane: MemoryPlane, session: str, messages: int, actor: str = DEFAULT_ACTOR_ID) -> None:
    wait_until(lambda: len(plane.messages(actor, session)) == messages)


def test_chat__with_session_resumes_the_conversation_in_a_runtime_that_restarted(
    agentcore, memory_plane, capsys, monkeypatch
):
    before = agentcore(ScriptedModel([["Nice to meet you, Ada."]]), memory_id=MEMORY_ID)
    assert run(capsys, "invoke", *before.target(), "--session", SESSION, "My name is Ada.")[0] == 0
    saved(memory_plane, SESSION, 2)

    model = ScriptedModel([["You are Ada."]])
    after = agentcore(model, memory_id=MEMORY_ID)  # a new process: the old one's conversations are gone from RAM
    monkeypatch.setattr("sys.stdin", io.StringIO("Who am I?\n"))
    code, out, _ = run(capsys, "chat", *after.target(), "--session", SESSION)

    assert (code, out) == (0, "You are Ada.\n")
    assert [m["content"][0]["text"] for m in model.calls[0]] == [
        "My name is Ada.",
        "Nice to meet you, Ada.",
        "Who am I?",
    ]


def test_actor_option__keeps_the_conversation_under_that_actor(agentcore, memory_plane, capsys):
    core = agentcore(ScriptedModel([["hello Grace"]]), memory_id=MEMORY_ID)

    code, _, _ = run(capsys, "invoke", *core.target(), "--session", SESSION, "--actor", "grace", "hi")

    assert code == 0
    assert core.plane.requests[0].actor == "grace"
    saved(memory_plane, SESSION, 2, actor="grace")
    assert (DEFAULT_ACTOR_ID, SESSION) not in memory_plane.events


def test_actor_option__refuses_an_id_memory_would_refuse(capsys):
    code, _, err = run(capsys, "invoke", "--arn", "x", "--actor", "no spaces", "hi")

    assert code == cli.EXIT_USAGE
    assert "actor id 'no spaces' is not accepted" in err


def test_sessions__lists_recent_conversations_with_last_turn_and_first_words(agentcore, memory_plane, capsys):
    core = agentcore(ScriptedModel([["ok"]], repeat=True), memory_id=MEMORY_ID)
    for session, prompt in ((OTHER, "An older question about the weather in Lisbon today"), (SESSION, "Hi")):
        run(capsys, "invoke", *core.target(), "--session", session, prompt)
        saved(memory_plane, session, 2)
        time.sleep(0.01)
    run(capsys, "invoke", *core.target(), "--session", OTHER, "and tomorrow?")
    saved(memory_plane, OTHER, 4)
    run(capsys, "invoke", *core.target(), "--session", "x" * 40, "--actor", "grace", "not mine")

    code, out, _ = run(capsys, "sessions", "--memory-id", MEMORY_ID, "--endpoint-url", memory_plane.url)

    lines = out.splitlines()
    assert code == 0
    assert [line.split()[0] for line in lines] == [OTHER, SESSION], "most recently used first, other actors left out"
    assert lines[0].endswith("2  An older question about the weather in Lisbon …")
    assert lines[1].endswith("1  Hi")


def test_sessions__finds_the_memory_in_the_stack_outputs(agentcore, memory_plane, capsys, monkeypatch):
    core = agentcore(ScriptedModel([["ok"]]), memory_id=MEMORY_ID)
    run(capsys, "invoke", *core.target(), "--session", SESSION, "Hello there")
    saved(memory_plane, SESSION, 2)
    core.plane.stacks[DEFAULT_STACK_NAME] = {OUTPUT_RUNTIME_ARN: core.arn, OUTPUT_MEMORY_ID: MEMORY_ID}
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", core.url)

    code, out, _ = run(capsys, "sessions", "--endpoint-url", memory_plane.url)

    assert code == 0
    assert out.startswith(SESSION) and out.rstrip().endswith("Hello there")


def test_sessions__stack_without_memory_says_why_and_what_to_do(agentcore, capsys, monkeypatch):
    core = agentcore(ScriptedModel([]))
    core.plane.stacks[DEFAULT_STACK_NAME] = {OUTPUT_RUNTIME_ARN: core.arn}
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", core.url)

    code, _, err = run(capsys, "sessions")

    assert code == cli.EXIT_CONFIGURATION
    assert "no MemoryId output" in err and "memory=false" in err and "--memory-id" in err


def test_sessions__none_yet_says_so(memory_plane, capsys):
    code, out, err = run(capsys, "sessions", "--memory-id", MEMORY_ID, "--endpoint-url", memory_plane.url)

    assert (code, out) == (0, "")
    assert f"no conversation of actor {DEFAULT_ACTOR_ID}" in err
