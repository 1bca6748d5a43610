"""An interrupted turn never breaks the conversation: the next turn sends Bedrock a valid Converse history.

A turn the agent did not finish (client hung up, model failed) is dropped: the history goes back to what it was
before that prompt. A turn it finished, tool failures included, is kept. The model checks Converse's rules on every
call (``fakes.converse_rules``), as Bedrock would.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from contract.agentcore import SESSION_HEADER
from fakes.converse_rules import ConverseCheckingModel, converse_problems
from fakes.scripted_model import Fail, Pause, ToolCall
from fakes.sse import sse_values
from tests.agent.helpers import SESSION_A, invoke, stream_values

GREETING = [["Hello, Ada."]]
FOLLOW_UP = [["Still here."]]


def roles(messages: list[dict]) -> list[str]:
    return [message["role"] for message in messages]


def hang_up_when(url: str, prompt: str, seen_enough: Callable[[list], bool]) -> list:
    """Stream a turn in events mode and close the connection as soon as ``seen_enough(values so far)``."""
    values: list = []
    with (
        httpx.Client(timeout=30) as client,
        client.stream(
            "POST",
            f"{url}/invocations",
            json={"prompt": prompt, "stream": "events"},
            headers={SESSION_HEADER: SESSION_A},
        ) as response,
    ):
        assert response.status_code == 200
        if seen_enough(values):
            return values
        for value in sse_values(response.iter_lines()):
            values.append(value)
            if seen_enough(values):
                break
    return values


def next_turn(http: httpx.Client, url: str) -> list:
    """The session's next turn, sent as soon as the session takes it (it must within a second)."""
    deadline = time.monotonic() + 1
    while True:
        response = invoke(http, url, {"prompt": "Are you still there?"}, session=SESSION_A)
        if response.status_code != 409 or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    assert response.status_code == 200, response.text
    return list(sse_values(response.text.split("\n")))


HANG_UPS = {
    "before the first delta": ([Pause(5), "never sent"], lambda values: True),
    "mid-text": (["first part ", Pause(5), "second part"], lambda values: len(values) >= 1),
    "after a tool call, before the answer": (
        [ToolCall("get_time", {"timezone": "Asia/Tokyo"})],
        lambda values: any(value.get("type") == "tool_result" for value in values),
    ),
}


@pytest.mark.parametrize(("turn", "seen_enough"), HANG_UPS.values(), ids=HANG_UPS.keys())
def test_hang_up__drops_the_unfinished_turn_and_the_next_turn_is_a_valid_conversation(
    serve_agent, http, turn, seen_enough
):
    rest = [[Pause(5), "The time in Tokyo is late."]] if any(isinstance(s, ToolCall) for s in turn) else []
    model = ConverseCheckingModel([*GREETING, turn, *rest, *FOLLOW_UP])
    url = serve_agent(model)
    stream_values(http, url, {"prompt": "My name is Ada."}, session=SESSION_A)

    hang_up_when(url, "Tell me something long.", seen_enough)
    answer = next_turn(http, url)

    assert answer == ["Still here."]
    assert model.problems == []
    assert roles(model.calls[-1]) == ["user", "assistant", "user"]
    assert model.calls[-1][1]["content"] == [{"text": "Hello, Ada."}]


def test_model_failure_mid_answer__drops_the_turn_and_the_next_turn_is_a_valid_conversation(serve_agent, http):
    model = ConverseCheckingModel([*GREETING, ["half an ans", Fail(RuntimeError("connection reset"))], *FOLLOW_UP])
    url = serve_agent(model)
    stream_values(http, url, {"prompt": "My name is Ada."}, session=SESSION_A)

    failed = stream_values(http, url, {"prompt": "Tell me something long."}, session=SESSION_A)
    answer = next_turn(http, url)

    assert failed[-1]["type"] == "stream_error"
    assert answer == ["Still here."]
    assert model.problems == []
    assert roles(model.calls[-1]) == ["user", "assistant", "user"]


@pytest.mark.parametrize(
    "call",
    [ToolCall("get_weather", {}), ToolCall("no_such_tool", {"x": 1}), ToolCall("calculator", {"expression": "1/"})],
    ids=["missing argument", "unknown tool", "tool raises"],
)
def test_failing_tool__is_a_finished_turn_that_is_kept_with_its_error_result(serve_agent, http, call):
    model = ConverseCheckingModel([*GREETING, [call], ["That tool failed."], *FOLLOW_UP])
    url = serve_agent(model)
    stream_values(http, url, {"prompt": "My name is Ada."}, session=SESSION_A)

    stream_values(http, url, {"prompt": "Use a tool."}, session=SESSION_A)
    answer = next_turn(http, url)

    assert answer == ["Still here."]
    assert model.problems == []
    history = model.calls[-1]
    assert roles(history) == ["user", "assistant", "user", "assistant", "user", "assistant", "user"]
    [result] = [block["toolResult"] for block in history[4]["content"] if "toolResult" in block]
    assert result["status"] == "error"


def test_converse_rules__catch_the_history_an_interrupted_turn_used_to_leave():
    broken = [
        {"role": "user", "content": [{"text": "My name is Ada."}]},
        {"role": "assistant", "content": [{"text": "Hello, Ada."}]},
        {"role": "user", "content": [{"text": "Tell me something long."}]},
        {"role": "user", "content": [{"text": "Are you still there?"}]},
    ]
    orphan_tool = [
        {"role": "user", "content": [{"text": "Time?"}]},
        {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "get_time", "input": {}}}]},
    ]

    assert "messages 2 and 3 are both user: roles must alternate" in converse_problems(broken)
    assert any("has no toolResult" in problem for problem in converse_problems(orphan_tool))
