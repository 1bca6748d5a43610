"""Whose conversation a request belongs to, and which one: the actor id and the session id its headers name.

AgentCore Memory keeps conversations per actor (``actorId``) and session; a client that serves several users names
each one in ``ACTOR_HEADER``, and a client that names nobody gets ``DEFAULT_ACTOR_ID``. AgentCore hands the runtime
session id over in ``SESSION_HEADER``. Both ids end up in logs and in memory, so an id holding a control character
(CR, LF, ...) is refused before anything uses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agent.http.payload import BadRequest
from contract.agentcore import ACTOR_HEADER, DEFAULT_ACTOR_ID, SESSION_HEADER, actor_id_problem, session_id_problem

_HEADER = ACTOR_HEADER.lower()


class BadActor(BadRequest):
    """The actor header holds an id AgentCore Memory would refuse."""

    def body(self) -> dict[str, Any]:
        """The error, and how to name an actor (or not)."""
        return {
            "error": self.message,
            "hint": f"send {ACTOR_HEADER} with an id such as 'user-42', or leave it out for the actor "
            f"{DEFAULT_ACTOR_ID!r}",
        }


class BadSessionId(BadRequest):
    """The session header holds an id the agent will not use."""

    def body(self) -> dict[str, Any]:
        """The error, and what a session id looks like."""
        return {
            "error": self.message,
            "hint": f"send {SESSION_HEADER} with printable text, such as a UUID, or leave it out for a fresh "
            "conversation",
        }


def actor_id(headers: Mapping[str, str] | None) -> str:
    """The request's actor id, from ``ACTOR_HEADER`` (any letter case) or else the default one.

    Raises:
        BadActor: the header holds an id AgentCore Memory would refuse.
    """
    for name, value in (headers or {}).items():
        if name.lower() == _HEADER:
            problem = actor_id_problem(value)
            if problem:
                raise BadActor(f"header {ACTOR_HEADER}: {problem}")
            return value
    return DEFAULT_ACTOR_ID


def session_id(header: str | None) -> str | None:
    """The request's session id, or None for none: no header, or one that is empty or blank.

    Raises:
        BadSessionId: the header holds a control character.
    """
    problem = session_id_problem(header or "")
    if problem:
        raise BadSessionId(f"header {SESSION_HEADER}: {problem}")
    return (header or "").strip() or None  # an empty header is no session, not a shared one
