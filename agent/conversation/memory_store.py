"""One conversation as events in Amazon Bedrock AgentCore Memory: what is written, and how it is read back.

Each turn is one event (more when it holds over 100 messages, the most ``CreateEvent`` takes): one payload item
per Converse message, in the encoding Strands' own AgentCore Memory converter uses (a ``SessionMessage`` as JSON,
bytes in base64), as conversational text with its role, or as a blob when the text exceeds the 100,000
characters a conversational item holds. Metadata numbers the turn and its parts, because the service does not
promise an order for events written in the same millisecond: reading sorts by those numbers, drops a copy of a
part written twice, and drops a turn whose parts are not all there (a process that died between two parts).

The calls here are synchronous and slow (tens of milliseconds each); ``agent.conversation.memory_conversations``
runs them on worker threads, never on the event loop that streams answers.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from strands.types.content import Message
from strands.types.session import SessionMessage

from agent.conversation.keys import ConversationKey, memory_session_id
from contract.memory import MEMORY_PART_KEY as PART_KEY
from contract.memory import MEMORY_PARTS_KEY as PARTS_KEY
from contract.memory import MEMORY_TURN_KEY as TURN_KEY
from contract.memory import memory_number

logger = logging.getLogger(__name__)

MAX_PAYLOAD_ITEMS = 100
CONVERSATIONAL_MAX_CHARS = 100_000
"""Limits of ``CreateEvent`` (botocore's service model): payload items per event, characters per text item."""

_ROLES = {"user": "USER", "assistant": "ASSISTANT"}
_PAGE_SIZE = 100


@dataclass(frozen=True)
class StoredConversation:
    """A conversation read back from memory, and the number its next turn gets."""

    messages: list[Message]
    next_turn: int


class MemoryStore:
    """Reads and writes conversations of one AgentCore Memory with a ``bedrock-agentcore`` boto3 client.

    Args:
        client: a boto3 ``bedrock-agentcore`` client (the data plane).
        memory_id: the memory's id (or ARN).
    """

    def __init__(self, client: Any, memory_id: str) -> None:
        self._client = client
        self.memory_id = memory_id

    def load(self, key: ConversationKey) -> StoredConversation:
        """Every complete turn of the conversation, oldest first (one ``ListEvents`` call per 100 events)."""
        parts: dict[tuple[int, int], dict[str, Any]] = {}
        expected: dict[int, int] = {}
        for event in self._events(key):
            numbers = _numbers(event)
            if numbers is None:
                continue
            turn, part, count = numbers
            parts.setdefault((turn, part), event)  # a part written twice (a retried write) counts once
            expected[turn] = count
        messages: list[Message] = []
        complete = sorted(turn for turn, count in expected.items() if all((turn, p) in parts for p in range(count)))
        for turn in complete:
            for part in range(expected[turn]):
                messages += [_decode(item) for item in parts[(turn, part)].get("payload", [])]
        dropped = sorted(set(expected) - set(complete))
        if dropped:
            logger.warning(
                "session=<%s>, actor=<%s>, turns=<%s> | conversation has incomplete turns, left out",
                key.session_id,
                key.actor_id,
                dropped,
            )
        return StoredConversation(messages=messages, next_turn=max(expected, default=-1) + 1)

    def append(self, key: ConversationKey, turn: int, messages: Sequence[Message], at: datetime) -> None:
        """Write one turn's messages as event(s) numbered ``turn``; writing the same turn again adds no copy."""
        items = [_encode(message, index) for index, message in enumerate(messages)]
        chunks = [items[start : start + MAX_PAYLOAD_ITEMS] for start in range(0, len(items), MAX_PAYLOAD_ITEMS)]
        for part, chunk in enumerate(chunks):
            self._client.create_event(
                memoryId=self.memory_id,
                actorId=key.actor_id,
                sessionId=memory_session_id(key.session_id),
                eventTimestamp=at,
                payload=chunk,
                metadata={
                    TURN_KEY: {"stringValue": memory_number(TURN_KEY, turn)},
                    PART_KEY: {"stringValue": memory_number(PART_KEY, part)},
                    PARTS_KEY: {"stringValue": memory_number(PARTS_KEY, len(chunks))},
                },
                # The same turn and part always carry the same token, so a write retried after a lost answer
                # is recognised by the service instead of stored twice.
                clientToken=self._token(key, turn, part),
            )

    def _token(self, key: ConversationKey, turn: int, part: int) -> str:
        name = f"{self.memory_id}/{key.actor_id}/{memory_session_id(key.session_id)}/{turn}/{part}"
        return str(uuid.uuid5(uuid.NAMESPACE_URL, name))

    def _events(self, key: ConversationKey) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            "memoryId": self.memory_id,
            "actorId": key.actor_id,
            "sessionId": memory_session_id(key.session_id),
            "includePayloads": True,
            "maxResults": _PAGE_SIZE,
            "filter": {"eventMetadata": [{"left": {"metadataKey": TURN_KEY}, "operator": "EXISTS"}]},
        }
        while True:
            page = self._client.list_events(**request)
            events += page.get("events", [])
            if not page.get("nextToken"):
                return events
            request["nextToken"] = page["nextToken"]


def _numbers(event: dict[str, Any]) -> tuple[int, int, int] | None:
    metadata = event.get("metadata") or {}
    try:
        return tuple(int(metadata[name]["stringValue"]) for name in (TURN_KEY, PART_KEY, PARTS_KEY))  # type: ignore[return-value]
    except (KeyError, TypeError, ValueError):
        return None  # not an event this module wrote


def _encode(message: Message, index: int) -> dict[str, Any]:
    role = _ROLES[message["role"]]
    text = json.dumps(SessionMessage.from_message(message, index).to_dict(), ensure_ascii=False)
    if len(text) <= CONVERSATIONAL_MAX_CHARS:
        return {"conversational": {"content": {"text": text}, "role": role}}
    return {"blob": json.dumps([text, role], ensure_ascii=False)}


def _decode(item: dict[str, Any]) -> Message:
    text = item["conversational"]["content"]["text"] if "conversational" in item else json.loads(item["blob"])[0]
    return SessionMessage.from_dict(json.loads(text)).to_message()
