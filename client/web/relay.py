"""One turn of the web chat: the client library's blocking stream turned into lines the page reads as they arrive.

The client library reads the agent (boto3 or urllib3) with blocking calls, so each turn is read in a thread of its
own and handed to the event loop value by value. When the page hangs up (its Stop button), the relay aborts the
upstream stream: the connection to the agent is shut down, and the agent's own hang-up handling ends the turn.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse, Response

from client.errors import (
    AgentClientError,
    ConfigurationError,
    EndpointUnreachableError,
    InvocationError,
    StreamError,
    ThrottledError,
)
from client.invocation.invoke import LocalAgent, Runtime
from client.invocation.stream import Stream

logger = logging.getLogger(__name__)

Agent = Runtime | LocalAgent

BUSY_RETRY_SECONDS = 5.0
"""How long a turn waits for its session while the agent is still ending the previous (stopped) turn."""
_BUSY_STATUS = 409
_BUSY_PAUSE_SECONDS = 0.1
_END = object()


@dataclass(frozen=True)
class Problem:
    """A failure as the page shows it: a kind it can title, the words to show, and an HTTP status for the relay."""

    kind: str
    message: str
    status: int
    code: str | None = None
    hint: str | None = None

    def body(self) -> dict[str, Any]:
        """The JSON the page receives, as an answer of its own or as the last line of a stream."""
        return {"kind": self.kind, "message": self.message, "code": self.code, "hint": self.hint}


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response:
    """The relay's answer for a problem before any line was sent: its JSON, with its status."""
    return JSONResponse(
        {"error": problem.body()}, status_code=problem.status, headers={"Cache-Control": "no-store", **(headers or {})}
    )


def problem_of(error: Exception) -> Problem:
    """Name a failure the way a person at the page needs it: throttled, refused, unreachable, broken off..."""
    if isinstance(error, StreamError):
        return Problem("stream", error.message, 502, code=error.code, hint=error.hint)
    if isinstance(error, ThrottledError):
        return Problem("throttled", error.message or "too many requests", 429, code=error.code, hint=error.hint)
    if isinstance(error, InvocationError):
        # The agent's or the service's refusal keeps its 4xx status, so the page can tell "fix your input" apart.
        status = error.status if error.status is not None and 400 <= error.status < 500 else 502
        return Problem("refused", error.message or error.code, status, code=error.code, hint=error.hint)
    if isinstance(error, EndpointUnreachableError):
        return Problem("unreachable", error.message, 502)
    if isinstance(error, ConfigurationError):
        return Problem("configuration", error.message, 500)
    if isinstance(error, AgentClientError):
        return Problem("unexpected", error.message, 500)
    return Problem("unexpected", f"{type(error).__name__}: {error}", 500)


def open_turn(agent: Agent, prompt: str, session_id: str) -> Stream:
    """Send the prompt and return the answer as it starts, in typed-events mode (text, tool calls, usage).

    A session whose previous turn was just stopped may still be ending inside the agent, which refuses the next
    turn with 409 until it notices the hang-up. Such a refusal started nothing, so it is safe to ask again for a
    few seconds; any other failure is raised at once (an invocation is never re-sent once it may have run).
    """
    deadline = time.monotonic() + BUSY_RETRY_SECONDS
    while True:
        try:
            return agent.invoke(prompt, session_id=session_id, stream="events")
        except InvocationError as error:
            if error.status != _BUSY_STATUS or time.monotonic() >= deadline:
                raise
            time.sleep(_BUSY_PAUSE_SECONDS)


def encode_line(value: Any) -> bytes:
    """One line of the relay's stream: a JSON value and LF (JSON text never contains a raw LF)."""
    return json.dumps(value, ensure_ascii=False).encode() + b"\n"


async def relay_lines(stream: Stream) -> AsyncGenerator[bytes, None]:
    """Yield the turn's values as lines the moment each arrives; a failure becomes a last ``error`` line.

    Closing this iterator early (the page hung up) aborts the upstream stream, which ends the agent's turn.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()

    def hand_over(item: Any) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # the event loop has closed: the server is stopping and nobody is reading
            stream.abort()

    def read() -> None:
        try:
            for value in stream:
                hand_over(value)
        except Exception as error:
            hand_over({"type": "error", **problem_of(error).body()})
        finally:
            stream.close()
            hand_over(_END)

    threading.Thread(target=read, name=f"relay-{stream.session_id}", daemon=True).start()
    try:
        while (item := await queue.get()) is not _END:
            yield encode_line(item)
    finally:
        stream.abort()  # a no-op when the stream ended by itself
