"""Recent conversations kept in the deployment's AgentCore Memory: which session, when last used, how it began.

AgentCore Memory's data plane lists an actor's sessions (``ListSessions``, with when each began) and a session's
events (``ListEvents``); it has no call for "recently used". So the listing takes the ``CANDIDATES`` most recently
begun sessions, asks each, in parallel, for its events without their payloads (the newest one is the last turn)
and for its first turn by the turn number the agent writes into each event's metadata (its first prompt), and
shows the most recently used. That is 1 + 2 calls per candidate, and a few more for sessions of over 100 turns.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from client.aws import aws_errors
from contract.memory import MEMORY_PART_KEY, MEMORY_TURN_KEY, memory_number

CANDIDATES = 50
"""Most recently begun sessions looked at; an older one still in use is listed only if it is among them."""

_PAGE = 100
_THREADS = 8


@dataclass(frozen=True)
class Conversation:
    """One session's conversation as memory holds it."""

    session_id: str
    last_turn_at: datetime
    turns: int
    first_prompt: str

    def line(self, words: int = 8) -> str:
        """``SESSION  LAST TURN  TURNS  FIRST WORDS``, one line, for a terminal."""
        opening = " ".join(self.first_prompt.split()[:words])
        if len(self.first_prompt.split()) > words:
            opening += " …"
        return f"{self.session_id}  {self.last_turn_at.astimezone():%Y-%m-%d %H:%M}  {self.turns:>5}  {opening}"


def recent_conversations(client: Any, memory_id: str, actor_id: str, limit: int) -> list[Conversation]:
    """The ``limit`` most recently used conversations of ``actor_id``, most recent first."""
    with aws_errors():
        sessions = _sessions(client, memory_id, actor_id)
        sessions.sort(key=lambda summary: summary["createdAt"], reverse=True)
        with ThreadPoolExecutor(_THREADS) as pool:
            found = pool.map(
                lambda summary: _conversation(client, memory_id, actor_id, summary["sessionId"]),
                sessions[:CANDIDATES],
            )
            conversations = [conversation for conversation in found if conversation is not None]
    conversations.sort(key=lambda conversation: conversation.last_turn_at, reverse=True)
    return conversations[:limit]


def _sessions(client: Any, memory_id: str, actor_id: str) -> list[dict[str, Any]]:
    request: dict[str, Any] = {"memoryId": memory_id, "actorId": actor_id, "maxResults": _PAGE}
    sessions: list[dict[str, Any]] = []
    while True:
        page = client.list_sessions(**request)
        sessions += page["sessionSummaries"]
        if not page.get("nextToken"):
            return sessions
        request["nextToken"] = page["nextToken"]


def _conversation(client: Any, memory_id: str, actor_id: str, session_id: str) -> Conversation | None:
    where = {"memoryId": memory_id, "actorId": actor_id, "sessionId": session_id}
    request: dict[str, Any] = {
        **where,
        "includePayloads": False,
        "maxResults": _PAGE,
        "filter": {"eventMetadata": [{"left": {"metadataKey": MEMORY_TURN_KEY}, "operator": "EXISTS"}]},
    }
    stamps: list[datetime] = []
    turns: set[str] = set()
    while True:
        page = client.list_events(**request)
        for event in page["events"]:
            stamps.append(event["eventTimestamp"])
            turns.add(event.get("metadata", {}).get(MEMORY_TURN_KEY, {}).get("stringValue", ""))
        if not page.get("nextToken"):
            break
        request["nextToken"] = page["nextToken"]
    if not stamps:
        return None  # a session with no turn the agent wrote
    first = client.list_events(
        **where,
        includePayloads=True,
        maxResults=1,
        filter={
            "eventMetadata": [
                _equals(MEMORY_TURN_KEY, memory_number(MEMORY_TURN_KEY, 0)),
                _equals(MEMORY_PART_KEY, memory_number(MEMORY_PART_KEY, 0)),
            ]
        },
    )["events"]
    return Conversation(
        session_id=session_id,
        last_turn_at=max(stamps),
        turns=len(turns),
        first_prompt=_first_prompt(first[0]) if first else "",
    )


def _equals(key: str, value: str) -> dict[str, Any]:
    return {"left": {"metadataKey": key}, "operator": "EQUALS_TO", "right": {"metadataValue": {"stringValue": value}}}


def _first_prompt(event: dict[str, Any]) -> str:
    """The text of the event's first message: a Strands ``SessionMessage`` as JSON, conversational or a blob."""
    for item in event.get("payload", []):
        try:
            text = (
                item["conversational"]["content"]["text"] if "conversational" in item else json.loads(item["blob"])[0]
            )
            message = json.loads(text)["message"]
        except (KeyError, IndexError, TypeError, ValueError):
            continue
        return " ".join(block["text"] for block in message.get("content", []) if "text" in block)
    return ""
