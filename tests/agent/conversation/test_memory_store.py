"""One conversation as AgentCore Memory events, through real boto3 and the memory stand-in: written, read back whole."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest

from agent.conversation.keys import ConversationKey, memory_session_id
from agent.conversation.memory_store import MemoryStore
from fakes.memory_plane import MEMORY_ID

KEY = ConversationKey("default", "session-" + "s" * 32)
AT = datetime(2026, 1, 1, tzinfo=UTC)


def user(text: str) -> dict:
    return {"role": "user", "content": [{"text": text}]}


def assistant(text: str) -> dict:
    return {"role": "assistant", "content": [{"text": text}]}


@pytest.fixture
def store(memory_plane) -> MemoryStore:
    return MemoryStore(boto3.client("bedrock-agentcore", region_name="us-east-1"), MEMORY_ID)


def test_turns__come_back_in_turn_order_even_when_written_in_the_same_millisecond(store):
    for turn in range(5):
        store.append(KEY, turn, [user(f"q{turn}"), assistant(f"a{turn}")], AT)

    loaded = store.load(KEY)

    assert loaded.messages == [m for t in range(5) for m in (user(f"q{t}"), assistant(f"a{t}"))]
    assert loaded.next_turn == 5


def test_turn_written_twice__is_stored_once(store, memory_plane):
    store.append(KEY, 0, [user("q"), assistant("a")], AT)
    store.append(KEY, 0, [user("q"), assistant("a")], AT)

    assert store.load(KEY).messages == [user("q"), assistant("a")]
    assert len(memory_plane.events[(KEY.actor_id, KEY.session_id)]) == 1


def test_turn_of_over_100_messages__is_split_into_parts_and_joined_again(store, memory_plane):
    messages = [user("go")] + [m for i in range(60) for m in (assistant(f"step {i}"), user(f"result {i}"))]

    store.append(KEY, 0, messages, AT)

    assert len(memory_plane.events[(KEY.actor_id, KEY.session_id)]) == 2
    assert store.load(KEY).messages == messages


def test_turn_missing_a_part__is_left_out_and_its_number_not_reused(store, memory_plane):
    store.append(KEY, 0, [user("q0"), assistant("a0")], AT)
    store.append(KEY, 1, [user("go")] + [assistant("x"), user("y")] * 60, AT)
    del memory_plane.events[(KEY.actor_id, KEY.session_id)][-1]  # the process died between the two parts

    loaded = store.load(KEY)

    assert loaded.messages == [user("q0"), assistant("a0")]
    assert loaded.next_turn == 2


def test_message_over_100000_characters__is_stored_as_a_blob_and_read_back(store, memory_plane):
    long_prompt = "ü" * 100_001

    store.append(KEY, 0, [user(long_prompt), assistant("ok")], AT)

    (event,) = memory_plane.events[(KEY.actor_id, KEY.session_id)]
    assert "blob" in event["payload"][0] and "conversational" in event["payload"][1]
    assert store.load(KEY).messages == [user(long_prompt), assistant("ok")]


def test_tool_messages_and_bytes__survive_the_round_trip(store):
    messages = [
        user("draw"),
        {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "paint", "input": {"n": 1}}}]},
        {
            "role": "user",
            "content": [
                {
                    "toolResult": {
                        "toolUseId": "t1",
                        "status": "success",
                        "content": [{"image": {"format": "png", "source": {"bytes": b"\x89PNG"}}}],
                    }
                }
            ],
        },
        assistant("done"),
    ]

    store.append(KEY, 0, messages, AT)

    assert store.load(KEY).messages == messages


def test_runtime_session_id_memory_cannot_take__is_stored_under_its_hash(store, memory_plane):
    key = ConversationKey("default", "runtime.session:" + "z" * 120)

    store.append(key, 0, [user("q"), assistant("a")], AT)

    ((_, stored_session),) = memory_plane.events
    assert stored_session == memory_session_id(key.session_id)
    assert stored_session.startswith("sha256-") and len(stored_session) <= 100
    assert store.load(key).messages == [user("q"), assistant("a")]


@pytest.mark.parametrize("prefix", ["sha256-", "SHA256-", "Sha256-"])
def test_runtime_session_id_with_the_hashed_prefix__is_hashed_too_so_it_can_never_name_a_hashed_form(prefix):
    hashed = memory_session_id("runtime.session:" + "z" * 120)
    chosen = prefix + hashed.removeprefix("sha256-")

    assert memory_session_id(chosen).startswith("sha256-")
    assert memory_session_id(chosen) not in (hashed, chosen)


def test_runtime_session_id_memory_can_take__is_stored_as_it_is():
    session_id = "session-0123456789abcdef0123456789abcdef"

    assert memory_session_id(session_id) == session_id


def test_other_events_in_the_session__are_ignored(store, memory_plane):
    store._client.create_event(
        memoryId=MEMORY_ID,
        actorId=KEY.actor_id,
        sessionId=memory_session_id(KEY.session_id),
        eventTimestamp=AT,
        payload=[{"conversational": {"content": {"text": "not ours"}, "role": "OTHER"}}],
    )
    store.append(KEY, 0, [user("q"), assistant("a")], AT)

    assert store.load(KEY).messages == [user("q"), assistant("a")]
