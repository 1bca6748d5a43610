"""Runtime session ids: AgentCore routes every request with the same id to the same conversation."""

from __future__ import annotations

import uuid

from client.errors import ConfigurationError
from contract.agentcore import MIN_SESSION_ID_LENGTH


def new_session_id() -> str:
    """A fresh session id, long enough for ``InvokeAgentRuntime`` (``session-`` and 32 hex digits)."""
    return f"session-{uuid.uuid4().hex}"


def check_session_id(session_id: str) -> str:
    """Return ``session_id`` if AgentCore will accept it, else raise ``ConfigurationError`` saying why."""
    if len(session_id) < MIN_SESSION_ID_LENGTH:
        raise ConfigurationError(
            f"session id {session_id!r} has {len(session_id)} characters; AgentCore needs at least "
            f"{MIN_SESSION_ID_LENGTH} (omit it to get a new one)"
        )
    return session_id
