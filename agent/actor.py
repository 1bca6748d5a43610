"""Whose conversation a request belongs to: the actor id a client names in a request header.

AgentCore Memory keeps conversations per actor (``actorId``) and session; a client that serves several users names
each one in ``ACTOR_HEADER``, and a client that names nobody gets ``DEFAULT_ACTOR_ID``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agent.payload import BadRequest
from contract.agentcore import ACTOR_HEADER, DEFAULT_ACTOR_ID, actor_id_problem

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


def actor_id(headers: Mapping[str, str] | None) -> str:
    """The request's actor id, from ``ACTOR_HEADER`` (any letter case) or else the default one."""
    for name, value in (headers or {}).items():
        if name.lower() == _HEADER:
            problem = actor_id_problem(value)
            if problem:
                raise BadActor(f"header {ACTOR_HEADER}: {problem}")
            return value
    return DEFAULT_ACTOR_ID
