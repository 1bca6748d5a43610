"""One turn of a conversation served as a stream, ended on purpose however it ends.

A turn ends in one of three ways, and this module is the one place that knows which: the agent finished its answer,
the agent failed part-way (the stream then ends with an error event), or the client hung up. A hang-up is watched
for explicitly, by waiting for the ASGI ``http.disconnect`` message, and stops the agent at once: a model that yields
text back to back never gives a framework's cancellation the moment it waits for, and its turn would run on into a
closed socket while the session refused every next request.

A turn that did not finish is dropped from the conversation: the history goes back to what it was before the prompt,
which was a valid Converse conversation (roles alternate, every ``toolUse`` has its ``toolResult``). Keeping half an
answer would leave a user message without its reply, or a tool call without its result, and Amazon Bedrock refuses
such a conversation on every later turn.

What ``on_end`` hands back (``Afterwards``) runs once the client has the whole response, before the request is
over: the invocation's record waits for it, the client and the session's next turn do not.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strands import Agent

from agent.observability.recorder import InvocationRecorder
from agent.streaming.events import AgentProgress, agent_values
from agent.streaming.sse import sse_body

logger = logging.getLogger(__name__)


class Outcome(enum.Enum):
    """How a turn ended."""

    COMPLETED = "completed"
    """The agent finished its answer, and the conversation keeps it."""
    CLIENT_HUNG_UP = "client hung up"
    """The client disconnected before the answer was written; the agent was stopped."""
    AGENT_FAILED = "agent failed"
    """The model (or the agent around it) failed part-way; the stream ended with an error event."""


Afterwards = Callable[[], Awaitable[None]]
"""Work left for the invocation after its response has ended (awaiting the memory write for the record)."""


@dataclass(frozen=True)
class TurnEnd:
    """What a finished turn reports: how it ended, why if it failed, and how long it streamed."""

    outcome: Outcome
    error: str | None
    seconds: float


class TurnResponse(Response):
    """The response of one turn: streams the agent's answer, stops it on hang-up, keeps the history valid.

    A Starlette ``Response`` so that the SDK passes it through untouched. ``on_end`` runs exactly once, after the
    agent has stopped and the conversation has been settled, so the session it releases can take its next turn at
    once; what it returns is awaited after that, when the response has already ended for the client.

    Args:
        agent: the conversation's agent, which takes the turn.
        prompt: the user's prompt.
        mode: the stream format, ``text`` or ``events``.
        on_end: told how the turn ended; releases the session and may hand back work for after the response.
        recorder: the invocation's record, told when the client has the whole response.
    """

    media_type = "text/event-stream"

    def __init__(
        self,
        agent: Agent,
        prompt: str,
        mode: str,
        on_end: Callable[[TurnEnd], Afterwards | None],
        recorder: InvocationRecorder | None = None,
    ) -> None:
        # Not Response.__init__: it would render an empty body and announce it with Content-Length: 0.
        self.status_code = 200
        self.background = None
        self.init_headers({"Cache-Control": "no-cache"})
        self._agent = agent
        self._prompt = prompt
        self._mode = mode
        self._on_end = on_end
        self._recorder = recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Stream the turn until it ends or the client leaves, whichever comes first."""
        started = time.perf_counter()
        history = list(self._agent.messages)
        progress = AgentProgress()
        writer = asyncio.create_task(self._write(send, progress))
        watcher = asyncio.create_task(_disconnected(receive))
        hung_up = False
        try:
            await asyncio.wait({writer, watcher}, return_when=asyncio.FIRST_COMPLETED)
            hung_up = not writer.done()
            if hung_up and not progress.finished and progress.error is None:
                # Strands' own cancellation: the agent stops at its next checkpoint (every model chunk, every tool
                # boundary) and unwinds its generators itself; the writer then gives it a moment to do so.
                self._agent.cancel()
        finally:
            watcher.cancel()
            writer.cancel()  # lands at once: cancelling a task directly does not wait for it to block
            try:
                hung_up = await _write_failed(writer) or hung_up
            finally:
                afterwards = self._on_end(self._settle(progress, hung_up, time.perf_counter() - started, history))
        # The last body message has been sent, or the client has gone: nothing below delays what it reads.
        if self._recorder is not None:
            self._recorder.end()
        if afterwards is not None:
            await afterwards()

    async def _write(self, send: Send, progress: AgentProgress) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        values = agent_values(self._agent, self._prompt, self._mode, progress, self._recorder)
        # aclosing: when this task is cancelled mid-send, the body (and the agent inside it) is closed here and
        # now, not left suspended for the garbage collector to close later from another task.
        async with contextlib.aclosing(sse_body(values)) as body:
            async for chunk in body:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    def _settle(self, progress: AgentProgress, hung_up: bool, seconds: float, history: list) -> TurnEnd:
        """Decide how the turn ended and put the conversation back if the agent did not finish its answer."""
        if not progress.finished:
            self._agent.messages[:] = history
        if hung_up:
            end = TurnEnd(Outcome.CLIENT_HUNG_UP, None, seconds)
        elif progress.finished:
            end = TurnEnd(Outcome.COMPLETED, None, seconds)
        else:
            end = TurnEnd(Outcome.AGENT_FAILED, progress.error or "the stream ended before the answer", seconds)
        logger.info(
            "outcome=<%s>, kept_in_history=<%s>, seconds=<%.3f> | turn ended",
            end.outcome.value,
            progress.finished,
            seconds,
        )
        return end


async def _disconnected(receive: Receive) -> None:
    """Return when the client has gone; the request body was read before the turn began."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def _write_failed(writer: asyncio.Task[None]) -> bool:
    """Wait for the writer to wind down; True when it stopped because the connection was gone."""
    try:
        await writer
    except asyncio.CancelledError:
        if not writer.cancelled():
            raise  # this task itself was cancelled, not the writer
        return False
    except OSError:  # servers on ASGI spec 2.4 report a closed connection by failing the send
        return True
    return False
