"""Conversation state per AgentCore runtime session, bounded in memory.

AgentCore pins a session to one microVM, so keeping each session's ``Agent`` (and with it the conversation)
in process memory is enough for continuity. The store is an LRU so that a long-lived process serving many
sessions holds at most ``capacity`` conversations, and it refuses a second concurrent request on a session
because two streams appending to one conversation would interleave their messages.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class SessionBusy(Exception):
    """Another request on the same session is still streaming."""


class SessionStore(Generic[T]):
    """LRU map from session id to a conversation, with at most one request in flight per session.

    The lock is a ``threading.Lock`` because the SDK runs handlers on its own worker loop while responses are
    streamed from the server's loop: acquire and release happen on different threads.
    """

    def __init__(self, factory: Callable[[], T], capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._factory = factory
        self._capacity = capacity
        self._entries: OrderedDict[Hashable, T] = OrderedDict()
        self._busy: set[Hashable] = set()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def acquire(self, session_id: Hashable) -> T:
        """Return the session's conversation, creating it if new, and mark the session busy until ``release``.

        Raises:
            SessionBusy: another request on the session is still streaming.
        """
        with self._lock:
            if session_id in self._busy:
                raise SessionBusy(session_id)
            entry = self._entries.get(session_id)
            if entry is None:
                entry = self._factory()
                self._entries[session_id] = entry
                self._evict()
            else:
                self._entries.move_to_end(session_id)
            self._busy.add(session_id)
            return entry

    def release(self, session_id: Hashable) -> None:
        """Let the next request on the session in."""
        with self._lock:
            self._busy.discard(session_id)

    def _evict(self) -> None:
        # Busy sessions are skipped: dropping one mid-stream would let its next request start a second
        # conversation while the first is still being written.
        for session_id in list(self._entries):
            if len(self._entries) <= self._capacity:
                return
            if session_id not in self._busy:
                del self._entries[session_id]
