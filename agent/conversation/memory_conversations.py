"""Conversations that outlive the process: AgentCore Memory behind the in-process session store.

The session store (``agent.conversation.sessions``) stays the cache in front: a session this process has served
continues from its ``Agent`` in memory, with no call to AgentCore Memory before the turn. Only an ``Agent`` this
process has not seen yet (a new microVM, a restart, an eviction) is restored from memory first, which is the one call
on the path to the first chunk, and only on a session's first turn in a process.

Writing never delays a chunk: when a turn's stream has ended, its new messages are handed to a worker thread that
writes them while the next prompt is being typed. A session's calls run one after another in the order they were
asked for, so a restore after an eviction reads what the session's earlier turns wrote. A write that fails is
logged and kept; it is sent again, in order, after the session's next turn. The user has already seen the answer,
and the conversation goes on from the process's own copy.

``save_turn`` hands back the write as a future so that the invocation's record can say what became of it
(``result_of``); the session does not wait for it, and nothing the client reads does either.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import uuid
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from weakref import WeakKeyDictionary

from strands import Agent
from strands.types.content import Message

from agent.conversation.keys import ConversationKey
from agent.conversation.memory_store import MemoryStore
from agent.conversation.ordered_executor import OrderedExecutor
from agent.settings import ConfigurationError
from contract.deployment import MEMORY_ID_ENV, MODEL_REGION_ENV
from contract.record import MemoryWrite

logger = logging.getLogger(__name__)


class RestoreFailed(Exception):
    """The conversation could not be read from AgentCore Memory; answering without it would silently forget it."""


@dataclass(frozen=True)
class WriteResult:
    """What became of one turn's write: ``MemoryWrite``, and why when it failed."""

    result: MemoryWrite
    error: str | None = None


class InProcessConversations:
    """No memory configured (local runs, tests): the session store alone keeps conversations."""

    async def restore(self, key: ConversationKey, agent: Agent) -> None:
        """Nothing to restore from."""

    def save_turn(self, key: ConversationKey, agent: Agent) -> None:
        """Nothing to save to: the record's ``memory`` stays null."""


@dataclass
class _Turn:
    number: int
    messages: list[Message]
    ended_at: datetime


@dataclass
class _Ledger:
    """What memory holds of one ``Agent``'s conversation, and what is still on its way there."""

    next_turn: int
    saved: set[str]
    """``tracking_id`` of every message that is in memory or queued for it."""
    unsaved: deque[_Turn] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)


class MemoryConversations:
    """Restores each session's conversation from AgentCore Memory before its first turn here, saves each turn after.

    Args:
        store: the memory to read and write.
        workers: threads for memory calls; sessions are independent, each session's calls are in order.
    """

    def __init__(self, store: MemoryStore, workers: int = 4) -> None:
        self._store = store
        self._calls = OrderedExecutor(workers, thread_name_prefix="agentcore-memory")
        self._ledgers: WeakKeyDictionary[Agent, _Ledger] = WeakKeyDictionary()

    async def restore(self, key: ConversationKey, agent: Agent) -> None:
        """Load the conversation into ``agent`` unless this process already holds it; call before the turn.

        Raises:
            RestoreFailed: memory could not be read; the next request on the session tries again.
        """
        if agent in self._ledgers:
            return
        try:
            stored = await asyncio.wrap_future(self._calls.submit(key, lambda: self._store.load(key)))
        except Exception as error:
            logger.warning(
                "session=<%s>, actor=<%s>, error=<%s> | memory restore failed", key.session_id, key.actor_id, error
            )
            raise RestoreFailed(f"{type(error).__name__}: {error}") from error
        agent.messages = stored.messages
        agent.conversation_manager.apply_management(agent)  # a long conversation comes back as its last window
        self._ledgers[agent] = _Ledger(
            next_turn=stored.next_turn, saved={_tracking_id(message) for message in stored.messages}
        )
        logger.info(
            "session=<%s>, actor=<%s>, messages=<%d>, turns=<%d> | conversation restored",
            key.session_id,
            key.actor_id,
            len(stored.messages),
            stored.next_turn,
        )

    def save_turn(self, key: ConversationKey, agent: Agent) -> Future[WriteResult]:
        """Queue the messages the turn added for memory, and return at once; call after the turn's stream ended.

        The future settles when this turn, and every earlier turn still unsaved, is written or the write failed.
        A turn that added nothing still sends what earlier failed writes left behind.
        """
        ledger = self._ledgers.get(agent)
        if ledger is None:
            return _settled(WriteResult(MemoryWrite.SKIPPED))
        with ledger.lock:
            new = [message for message in agent.messages if _tracking_id(message) not in ledger.saved]
            if new:
                ledger.saved.update(_tracking_id(message) for message in new)
                ledger.unsaved.append(_Turn(ledger.next_turn, new, datetime.now(UTC)))
                ledger.next_turn += 1
            if not ledger.unsaved:
                return _settled(WriteResult(MemoryWrite.SKIPPED))
            through = ledger.unsaved[-1].number
        return self._calls.submit(key, lambda: self._flush(key, ledger, through))

    def _flush(self, key: ConversationKey, ledger: _Ledger, through: int) -> WriteResult:
        # Up to ``through`` only: a later turn, queued while this write was on its way, reports its own write.
        while True:
            with ledger.lock:
                if not ledger.unsaved or ledger.unsaved[0].number > through:
                    return WriteResult(MemoryWrite.SAVED)
                turn = ledger.unsaved[0]
            try:
                self._store.append(key, turn.number, turn.messages, turn.ended_at)
            except Exception as error:
                logger.warning(
                    "session=<%s>, actor=<%s>, turn=<%d>, unsaved_turns=<%d>, error=<%s> | memory write failed, kept "
                    "in process and retried after the next turn",
                    key.session_id,
                    key.actor_id,
                    turn.number,
                    len(ledger.unsaved),
                    error,
                )
                return WriteResult(MemoryWrite.FAILED, f"{type(error).__name__}: {error}")
            with ledger.lock:
                ledger.unsaved.popleft()
            logger.debug("session=<%s>, turn=<%d> | turn saved", key.session_id, turn.number)


async def result_of(write: Future[WriteResult], timeout: float) -> WriteResult:
    """The write's result, or ``pending`` if it has not settled within ``timeout`` seconds; never cancels it.

    Not ``asyncio.wrap_future``: cancelling or abandoning its wrapper cancels a write still queued behind another,
    and a wrapper left waiting would be woken on a loop that may have closed by then.
    """
    loop = asyncio.get_running_loop()
    settled = asyncio.Event()

    def wake(_: Future[WriteResult]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting any more
            loop.call_soon_threadsafe(settled.set)

    write.add_done_callback(wake)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            await settled.wait()
    return write.result() if write.done() else WriteResult(MemoryWrite.PENDING)


def _settled(result: WriteResult) -> Future[WriteResult]:
    future: Future[WriteResult] = Future()
    future.set_result(result)
    return future


def _tracking_id(message: Message) -> str:
    # Strands gives every message it appends a durable tracking id and keeps it through save and restore; a
    # message that entered history some other way gets one here, so that it is saved exactly once too.
    if not message.get("tracking_id"):
        message["tracking_id"] = str(uuid.uuid4())
    return message["tracking_id"]


def conversations_for(memory_id: str | None, region: str | None) -> InProcessConversations | MemoryConversations:
    """The conversation keeper the settings ask for: AgentCore Memory when ``memory_id`` is set.

    Raises:
        ConfigurationError: a memory is named but no Region is known to reach it in.
    """
    if not memory_id:
        return InProcessConversations()
    import boto3  # only a deployment with memory needs the client
    from botocore.config import Config
    from botocore.exceptions import NoRegionError

    try:
        client = boto3.client(
            "bedrock-agentcore",
            region_name=region or os.environ.get("AWS_REGION") or None,
            # Short timeouts: a restore holds up a first answer, and a stuck write holds up the session's next one.
            config=Config(connect_timeout=5, read_timeout=10, retries={"mode": "standard"}),
        )
    except NoRegionError:
        raise ConfigurationError(
            f"{MEMORY_ID_ENV} is set but no AWS Region is: set AWS_REGION (or {MODEL_REGION_ENV}) to the memory's"
        ) from None
    return MemoryConversations(MemoryStore(client, memory_id))
