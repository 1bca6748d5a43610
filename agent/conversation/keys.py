"""Which conversation a request continues: its actor and runtime session, and the session id AgentCore Memory takes.

AgentCore Memory keeps conversations per actor (``actorId``) and session (``sessionId``); a runtime session id may
be up to 256 characters of any kind, a memory session id is narrower, so the one is mapped onto the other here and
nowhere else.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_MEMORY_SESSION_ID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9-_]{0,99}")
"""AgentCore Memory's ``sessionId``: narrower than a runtime session id (up to 256 characters, any)."""
HASHED_PREFIX = "sha256-"
"""What a hashed memory session id starts with; no runtime session id that starts with it is stored unhashed."""


@dataclass(frozen=True)
class ConversationKey:
    """Whose conversation (``actor_id``) in which runtime session; AgentCore Memory keeps each apart."""

    actor_id: str
    session_id: str


def memory_session_id(session_id: str) -> str:
    """A runtime session id as AgentCore Memory's ``sessionId``: as it is when it fits, else hashed.

    An id that starts with the hashed forms' prefix (in any letter case) is hashed too, although it fits: passed
    through, a caller could name exactly the hashed form of someone else's id and read or shadow that conversation.
    So a hashed form comes only from hashing, and two different ids never share a memory session.
    """
    if _MEMORY_SESSION_ID.fullmatch(session_id) and not session_id.lower().startswith(HASHED_PREFIX):
        return session_id
    return HASHED_PREFIX + hashlib.sha256(session_id.encode()).hexdigest()
