"""Runtime session ids: AgentCore routes every request with the same id to the same conversation."""

from __future__ import annotations

import unicodedata
import uuid

from client.errors import ConfigurationError
from contract.agentcore import MAX_SESSION_ID_LENGTH, MIN_SESSION_ID_LENGTH

_VISIBLE_ASCII = frozenset(chr(code) for code in range(0x21, 0x7F))
"""What a session id may hold: it travels as an HTTP header, where a control character (CR, LF...) would end the
header or be refused, a character beyond Latin-1 cannot be encoded at all, and leading spaces are stripped."""


def new_session_id() -> str:
    """A fresh session id, long enough for ``InvokeAgentRuntime`` (``session-`` and 32 hex digits)."""
    return f"session-{uuid.uuid4().hex}"


def check_session_id(session_id: str) -> str:
    """Return ``session_id`` if AgentCore will accept it, else raise ``ConfigurationError`` saying why."""
    if not MIN_SESSION_ID_LENGTH <= len(session_id) <= MAX_SESSION_ID_LENGTH:
        shown = repr(session_id) if len(session_id) <= 80 else f"{session_id[:40]!r}..."
        raise ConfigurationError(
            f"session id {shown} has {len(session_id)} characters; AgentCore needs {MIN_SESSION_ID_LENGTH} to "
            f"{MAX_SESSION_ID_LENGTH} (omit it to get a new one)"
        )
    position, character = next(
        ((index, char) for index, char in enumerate(session_id) if char not in _VISIBLE_ASCII), (None, "")
    )
    if position is not None:
        kind = "a control character" if unicodedata.category(character) == "Cc" else "the character"
        raise ConfigurationError(
            f"session id has {kind} U+{ord(character):04X} at position {position}; a session id travels as an HTTP "
            "header, so it may hold only visible ASCII characters (letters, digits, punctuation; no spaces)"
        )
    return session_id
