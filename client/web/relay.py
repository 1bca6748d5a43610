"""One turn of the web chat: the client library's blocking stream turned into lines the page reads as they arrive.

The client library reads the agent (boto3 or urllib3) with blocking calls, so each turn is read in a thread of its
own and handed to the event loop value by value. When the page hangs up (its Stop button), the relay aborts the
upstream stream: the connection to the agent is shut down, and the agent's own hang-up handling ends the turn.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncGenerator
from typing import Any

from client.errors import InvocationError
from client.invocation import LocalAgent, Runtime, Stream
from client.web.problems import problem_of
from contract.stream import EVENTS_MODE

Agent = Runtime | LocalAgent

ERROR_TYPE = "error"
"""``type`` of the relay's own last line when an answer fails: ``{"type": "error", "kind", "message", ...}``. Not one
of the agent's event types (``contract.stream.EventType``): the agent's ``stream_error`` arrives as one of these."""

BUSY_RETRY_SECONDS = 5.0
"""How long a turn waits for its session while the agent is still ending the previous (stopped) turn."""
_BUSY_STATUS = 409
_BUSY_PAUSE_SECONDS = 0.1
_END = object()


def open_turn(agent: Agent, prompt: str, session_id: str) -> Stream:
    """Send the prompt and return the answer as it starts, in typed-events mode (text, tool calls, usage).

    A session whose previous turn was just stopped may still be ending inside the agent, which refuses the next
    turn with 409 until it notices the hang-up. Such a refusal started nothing, so it is safe to ask again for a
    few seconds; any other failure is raised at once (an invocation is never re-sent once it may have run).
    """
    deadline = time.monotonic() + BUSY_RETRY_SECONDS
    while True:
        try:
            return agent.invoke(prompt, session_id=session_id, stream=EVENTS_MODE)
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
            hand_over({"type": ERROR_TYPE, **problem_of(error).body()})
        finally:
            stream.close()
            hand_over(_END)

    threading.Thread(target=read, name=f"relay-{stream.session_id}", daemon=True).start()
    try:
        while (item := await queue.get()) is not _END:
            yield encode_line(item)
    finally:
        stream.abort()  # a no-op when the stream ended by itself
