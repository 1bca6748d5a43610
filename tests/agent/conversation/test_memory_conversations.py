"""With MEMORY_ID set, conversations live in AgentCore Memory and outlive the process that served them."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from agent.conversation.keys import memory_session_id
from contract.agentcore import ACTOR_HEADER, DEFAULT_ACTOR_ID, SESSION_HEADER
from fakes.converse_rules import converse_problems
from fakes.memory_plane import MEMORY_ID, Fault
from fakes.scripted_model import Fail, ScriptedModel, ToolCall
from fakes.sse import sse_values
from tests.agent.helpers import SESSION_A, SESSION_B, invoke, served_in_own_process, stream_values


def user_prompts(messages: list[dict]) -> list[str]:
    return [block["text"] for m in messages if m["role"] == "user" for block in m["content"] if "text" in block]


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def records(lines: list[str], count: int) -> list[dict]:
    """The first ``count`` invocation records; each is printed once its request is over, after the memory write."""
    wait_until(lambda: len(lines) >= count)
    return [json.loads(line) for line in lines[:count]]


def test_conversation__continues_in_a_new_server_that_never_saw_it(serve_agent, http, memory_plane):
    first = serve_agent(ScriptedModel([["Nice to meet you, Ada."]]), memory_id=MEMORY_ID)
    stream_values(http, first, {"prompt": "My name is Ada."}, session=SESSION_A)
    wait_until(lambda: len(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) == 2)

    model = ScriptedModel([["Your name is Ada."]])
    second = serve_agent(model, memory_id=MEMORY_ID)
    answer = stream_values(http, second, {"prompt": "What is my name?"}, session=SESSION_A)

    assert answer == ["Your name is Ada."]
    assert user_prompts(model.calls[0]) == ["My name is Ada.", "What is my name?"]
    assert {"text": "Nice to meet you, Ada."} in model.calls[0][1]["content"]


SERVE_WITH_MEMORY = """
import sys
from agent.settings import AgentSettings
from agent.server import create_app
from fakes.live_server import serve
from fakes.scripted_model import ScriptedModel

model = ScriptedModel([lambda messages: [f"I have seen {len(messages)} messages."]], repeat=True)
with serve(create_app(model=model, settings=AgentSettings.from_env())) as url:
    print(url, flush=True)
    sys.stdin.read()
"""


def test_conversation__survives_the_server_process_being_replaced(http, memory_plane):
    answers = []
    for _ in range(2):  # two processes, one after the other, as two microVMs serving the same session
        with served_in_own_process(SERVE_WITH_MEMORY, MEMORY_ID=MEMORY_ID) as url:
            for prompt in ("one", "two"):
                answers += stream_values(http, url, {"prompt": prompt}, session=SESSION_A)
            saved = 2 * len(answers)
            wait_until(lambda: len(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) == saved)  # noqa: B023

    assert answers == [f"I have seen {count} messages." for count in (1, 3, 5, 7)]


def test_turn_with_a_tool__is_restored_with_its_tool_use_and_result(serve_agent, http, memory_plane):
    first = serve_agent(
        ScriptedModel([[ToolCall("get_time", {"timezone": "UTC"})], ["It is noon."]]), memory_id=MEMORY_ID
    )
    stream_values(http, first, {"prompt": "Time?"}, session=SESSION_A)
    wait_until(lambda: len(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) == 4)

    model = ScriptedModel([["Still noon."]])
    stream_values(http, serve_agent(model, memory_id=MEMORY_ID), {"prompt": "And now?"}, session=SESSION_A)

    restored = model.calls[0]
    assert [m["role"] for m in restored] == ["user", "assistant", "user", "assistant", "user"]
    assert restored[1]["content"][0]["toolUse"]["name"] == "get_time"
    assert restored[2]["content"][0]["toolResult"]["status"] == "success"
    assert converse_problems(restored) == []


def test_sessions_and_actors__are_kept_apart_in_memory_and_after_restore(serve_agent, http, memory_plane):
    url = serve_agent(ScriptedModel([["a"], ["b"], ["c"]]), memory_id=MEMORY_ID)
    stream_values(http, url, {"prompt": "for A"}, session=SESSION_A)
    stream_values(http, url, {"prompt": "for B"}, session=SESSION_B)
    http.post(
        f"{url}/invocations",
        json={"prompt": "for Grace in A"},
        headers={SESSION_HEADER: SESSION_A, ACTOR_HEADER: "grace"},
    )
    wait_until(lambda: len(memory_plane.events) == 3 and all(len(e) == 1 for e in memory_plane.events.values()))

    model = ScriptedModel([["again"]], repeat=True)
    restarted = serve_agent(model, memory_id=MEMORY_ID)
    stream_values(http, restarted, {"prompt": "A again"}, session=SESSION_A)
    http.post(
        f"{restarted}/invocations",
        json={"prompt": "Grace again"},
        headers={SESSION_HEADER: SESSION_A, ACTOR_HEADER: "grace"},
    )

    assert user_prompts(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_B)) == ["for B"]
    assert user_prompts(model.calls[0]) == ["for A", "A again"]
    assert user_prompts(model.calls[1]) == ["for Grace in A", "Grace again"]


def test_memory_outage__the_stream_is_whole_the_conversation_goes_on_and_memory_catches_up(
    serve_agent, http, memory_plane
):
    model = ScriptedModel([["first answer"], ["second answer"], ["third answer"]])
    url = serve_agent(model, memory_id=MEMORY_ID)
    stream_values(http, url, {"prompt": "warm up"}, session=SESSION_A)  # restored (empty) before the outage
    wait_until(lambda: len(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) == 2)
    memory_plane.outage.add("CreateEvent")

    during = stream_values(http, url, {"prompt": "during the outage"}, session=SESSION_A)
    wait_until(lambda: memory_plane.calls.count("CreateEvent") >= 4)  # the first write, then three attempts
    memory_plane.outage.clear()
    after = stream_values(http, url, {"prompt": "after it"}, session=SESSION_A)

    assert during == ["second answer"]
    assert after == ["third answer"]
    assert user_prompts(model.calls[2]) == ["warm up", "during the outage", "after it"]
    wait_until(lambda: len(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) == 6)
    assert user_prompts(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) == [
        "warm up",
        "during the outage",
        "after it",
    ]


def test_throttled_writes__are_retried_and_saved_once(serve_agent, http, memory_plane):
    memory_plane.script += [Fault("CreateEvent"), Fault("CreateEvent")]
    url = serve_agent(ScriptedModel([["answer"]]), memory_id=MEMORY_ID)

    assert stream_values(http, url, {"prompt": "hello"}, session=SESSION_A) == ["answer"]
    wait_until(lambda: len(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) == 2)
    time.sleep(0.2)
    assert len(memory_plane.events[(DEFAULT_ACTOR_ID, SESSION_A)]) == 1


def test_memory_unreadable__refuses_with_503_instead_of_answering_without_history(serve_agent, http, memory_plane):
    memory_plane.outage.add("ListEvents")
    model = ScriptedModel([["answer"]])
    url = serve_agent(model, memory_id=MEMORY_ID)

    refused = invoke(http, url, {"prompt": "hello"}, session=SESSION_A)
    memory_plane.outage.clear()
    retried = stream_values(http, url, {"prompt": "hello"}, session=SESSION_A)

    assert refused.status_code == 503
    assert "could not be read from AgentCore Memory" in refused.json()["error"]
    assert "again" in refused.json()["hint"]
    assert retried == ["answer"]
    assert len(model.calls) == 1, "the model was not called for the refused request"


def test_memory_writes__never_delay_the_answer(serve_agent, http, memory_plane):
    url = serve_agent(ScriptedModel([["one"], ["two"], ["three"]]), memory_id=MEMORY_ID)
    stream_values(http, url, {"prompt": "first"}, session=SESSION_A)  # the one restore happens here
    memory_plane.latency = (0.5, 0.5)

    started = time.perf_counter()
    stream_values(http, url, {"prompt": "second"}, session=SESSION_A)
    stream_values(http, url, {"prompt": "third"}, session=SESSION_A)
    elapsed = time.perf_counter() - started

    assert elapsed < 0.5, f"two turns took {elapsed:.2f} s while each memory call takes 0.5 s"
    wait_until(lambda: len(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) == 6)


def test_interrupted_turn__is_stored_as_the_session_keeps_it(serve_agent, http, memory_plane):
    model = ScriptedModel([["partial ", Fail(RuntimeError("model went away"))], ["recovered"]])
    url = serve_agent(model, memory_id=MEMORY_ID)
    broken = stream_values(http, url, {"prompt": "first", "stream": "events"}, session=SESSION_A)
    stream_values(http, url, {"prompt": "second"}, session=SESSION_A)
    kept = model.calls[1]
    wait_until(lambda: len(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) >= len(kept) + 1)

    restored_model = ScriptedModel([["later"]])
    stream_values(http, serve_agent(restored_model, memory_id=MEMORY_ID), {"prompt": "third"}, session=SESSION_A)

    restored = restored_model.calls[0]
    assert broken[-1]["type"] == "stream_error"
    assert restored == [*kept, {"role": "assistant", "content": [{"text": "recovered"}]}, restored[-1]]
    assert user_prompts(restored[-1:]) == ["third"]
    assert converse_problems(restored) == []


@pytest.mark.parametrize("actor", ["", "-starts-with-dash", "has space", "x" * 256, "ünïcode"])
def test_bad_actor_header__is_refused_with_400_naming_the_header(serve_agent, http, memory_plane, actor):
    url = serve_agent(ScriptedModel([["never"]]), memory_id=MEMORY_ID)

    response = http.post(
        f"{url}/invocations",
        json={"prompt": "hi"},
        headers={SESSION_HEADER: SESSION_A, ACTOR_HEADER: actor.encode()},
    )

    assert response.status_code == 400
    assert ACTOR_HEADER in response.json()["error"]
    assert "leave it out" in response.json()["hint"]
    assert memory_plane.calls == []


def test_session_id_shaped_like_a_hashed_one__can_neither_read_that_conversation_nor_drop_its_next_turn(
    serve_agent, http, memory_plane, agent_records
):
    victim = "runtime.session:" + "v" * 40  # memory cannot take it as it is: it is stored under its hash
    victims_memory_session = memory_session_id(victim)
    attacker = victims_memory_session  # a caller may name any id, this one too
    victims_server = serve_agent(ScriptedModel([["noted"]], repeat=True), memory_id=MEMORY_ID)
    attackers_model = ScriptedModel([["nothing to see"]])
    attackers_server = serve_agent(attackers_model, memory_id=MEMORY_ID)

    stream_values(http, victims_server, {"prompt": "my secret is 42"}, session=victim)
    records(agent_records, 1)
    stream_values(http, attackers_server, {"prompt": "what is the secret?"}, session=attacker)
    records(agent_records, 2)
    stream_values(http, victims_server, {"prompt": "and my PIN is 1234"}, session=victim)
    victims_next = records(agent_records, 3)[2]

    assert user_prompts(attackers_model.calls[0]) == ["what is the secret?"]
    assert victims_next["memory"] == "saved"
    victims_turns = user_prompts(memory_plane.messages(DEFAULT_ACTOR_ID, victims_memory_session))
    assert victims_turns == ["my secret is 42", "and my PIN is 1234"]


def test_no_memory_id__keeps_conversations_in_process_only(serve_agent, http, memory_plane):
    model = ScriptedModel([["one"], ["two"]])
    url = serve_agent(model)

    stream_values(http, url, {"prompt": "first"}, session=SESSION_A)
    values = list(sse_values(invoke(http, url, {"prompt": "second"}, session=SESSION_A).text.split("\n")))

    assert values == ["two"]
    assert user_prompts(model.calls[1]) == ["first", "second"]
    assert memory_plane.calls == []


# --- what the invocation's record says about the memory write ---------------------------------------------------


def test_record__says_saved_once_the_turn_is_in_memory(serve_agent, http, memory_plane, agent_records):
    url = serve_agent(ScriptedModel([["hello"]]), memory_id=MEMORY_ID)

    stream_values(http, url, {"prompt": "hi"}, session=SESSION_A)
    [record] = records(agent_records, 1)

    assert (record["outcome"], record["memory"]) == ("completed", "saved")
    assert "memory_error" not in record
    assert user_prompts(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) == ["hi"]


def test_record__the_client_has_the_whole_answer_before_the_write_completes(
    serve_agent, http, memory_plane, agent_records
):
    url = serve_agent(ScriptedModel([["warm"], ["answer"], ["next"]]), memory_id=MEMORY_ID)
    stream_values(http, url, {"prompt": "warm up"}, session=SESSION_A)  # the one restore happens here
    records(agent_records, 1)
    memory_plane.latency = (0.5, 0.5)

    started = time.perf_counter()
    answer = stream_values(http, url, {"prompt": "question"}, session=SESSION_A)
    answered_after = time.perf_counter() - started
    record_missing_then = len(agent_records) == 1
    following = stream_values(http, url, {"prompt": "follow-up"}, session=SESSION_A)
    following_after = time.perf_counter() - started
    _, record, _ = records(agent_records, 3)
    recorded_after = time.perf_counter() - started

    assert answer == ["answer"] and following == ["next"]
    assert answered_after < 0.5, f"the stream ended {answered_after:.2f} s in, with a 0.5 s memory write"
    assert following_after < 0.5, f"the session's next turn ended {following_after:.2f} s in"
    assert record_missing_then, "the record waits for the write"
    assert recorded_after >= 0.5
    assert record["memory"] == "saved"
    assert record["total_ms"] < 500, "the total time is the client's, not the write's"


def test_record__memory_outage_says_failed_with_the_error_and_the_conversation_goes_on(
    serve_agent, http, memory_plane, agent_records
):
    model = ScriptedModel([["first"], ["second"], ["third"]])
    url = serve_agent(model, memory_id=MEMORY_ID)
    stream_values(http, url, {"prompt": "one"}, session=SESSION_A)
    records(agent_records, 1)
    memory_plane.outage.add("CreateEvent")

    during = stream_values(http, url, {"prompt": "two"}, session=SESSION_A)
    failed = records(agent_records, 2)[1]
    memory_plane.outage.clear()
    after = stream_values(http, url, {"prompt": "three"}, session=SESSION_A)
    caught_up = records(agent_records, 3)[2]

    assert during == ["second"] and after == ["third"]
    assert (failed["outcome"], failed["memory"]) == ("completed", "failed")
    assert "ServiceException" in failed["memory_error"] and "stand-in outage" in failed["memory_error"]
    assert user_prompts(model.calls[2]) == ["one", "two", "three"]
    assert caught_up["memory"] == "saved"
    assert user_prompts(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) == ["one", "two", "three"]


def test_record__a_write_slower_than_the_wait_says_pending_and_still_lands(
    serve_agent, http, memory_plane, agent_records
):
    url = serve_agent(ScriptedModel([["warm"], ["answer"]]), memory_id=MEMORY_ID, memory_record_wait_seconds=0.2)
    stream_values(http, url, {"prompt": "warm up"}, session=SESSION_A)
    records(agent_records, 1)
    memory_plane.latency = (1.0, 1.0)

    started = time.perf_counter()
    stream_values(http, url, {"prompt": "question"}, session=SESSION_A)
    record = records(agent_records, 2)[1]
    recorded_after = time.perf_counter() - started

    assert record["memory"] == "pending"
    assert recorded_after < 1.0, f"the record waited {recorded_after:.2f} s for a 1 s write"
    wait_until(lambda: user_prompts(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) == ["warm up", "question"])


def test_record__a_turn_that_added_nothing_says_skipped(serve_agent, http, memory_plane, agent_records):
    url = serve_agent(ScriptedModel([[Fail(RuntimeError("model went away"))]]), memory_id=MEMORY_ID)

    values = stream_values(http, url, {"prompt": "hi", "stream": "events"}, session=SESSION_A)
    [record] = records(agent_records, 1)

    assert values[-1]["type"] == "stream_error"
    assert (record["outcome"], record["memory"]) == ("model_error", "skipped")
    assert memory_plane.calls == ["ListEvents"]


def test_record__a_hang_up_says_skipped_and_the_session_answers_its_next_turn(
    serve_agent, http, memory_plane, agent_records
):
    model = ScriptedModel([[f"{i} " for i in range(40)], ["back"]], delay=0.05)
    url = serve_agent(model, memory_id=MEMORY_ID)
    with http.stream("POST", f"{url}/invocations", json={"prompt": "long"}, headers={SESSION_HEADER: SESSION_A}) as r:
        next(r.iter_lines())  # the first chunk arrived; leaving the block closes the connection
    [hung_up] = records(agent_records, 1)

    answer = stream_values(http, url, {"prompt": "again"}, session=SESSION_A)
    _, next_turn = records(agent_records, 2)

    assert (hung_up["outcome"], hung_up["memory"]) == ("client_hung_up", "skipped")
    assert answer == ["back"]
    assert next_turn["memory"] == "saved"
    assert user_prompts(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) == ["again"]


def test_record__a_turn_that_added_nothing_still_sends_what_a_failed_write_left(
    serve_agent, http, memory_plane, agent_records
):
    url = serve_agent(ScriptedModel([["kept"], [Fail(RuntimeError("model went away"))]]), memory_id=MEMORY_ID)
    memory_plane.outage.add("CreateEvent")
    stream_values(http, url, {"prompt": "one"}, session=SESSION_A)
    records(agent_records, 1)
    memory_plane.outage.clear()

    stream_values(http, url, {"prompt": "two"}, session=SESSION_A)
    first, second = records(agent_records, 2)

    assert (first["memory"], second["outcome"], second["memory"]) == ("failed", "model_error", "saved")
    assert user_prompts(memory_plane.messages(DEFAULT_ACTOR_ID, SESSION_A)) == ["one"]


def test_record__without_memory_or_without_a_session_has_no_memory_result(
    serve_agent, http, memory_plane, agent_records
):
    in_process = serve_agent(ScriptedModel([["a"]]))
    with_memory = serve_agent(ScriptedModel([["b"]]), memory_id=MEMORY_ID)

    stream_values(http, in_process, {"prompt": "hi"}, session=SESSION_A)
    stream_values(http, with_memory, {"prompt": "hi"})

    assert [record["memory"] for record in records(agent_records, 2)] == [None, None]
    assert memory_plane.calls == []
