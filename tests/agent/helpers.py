"""Small request and process helpers for the agent's tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncGenerator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from strands.types.content import Messages
from strands.types.streaming import StreamEvent

from contract.agentcore import SESSION_HEADER
from fakes.live_server import free_port
from fakes.scripted_model import ScriptedModel
from fakes.sse import sse_values

ROOT = Path(__file__).resolve().parents[2]
SESSION_A = "session-a-" + "a" * 40
SESSION_B = "session-b-" + "b" * 40


def invoke(http: httpx.Client, url: str, payload: Any, session: str | None = None) -> httpx.Response:
    """POST a payload (already JSON-serialisable) and read the whole response."""
    headers = {SESSION_HEADER: session} if session else {}
    return http.post(f"{url}/invocations", json=payload, headers=headers)


def stream_values(http: httpx.Client, url: str, payload: Any, session: str | None = None) -> list[Any]:
    """POST a payload and decode every SSE value of the streamed answer."""
    response = invoke(http, url, payload, session)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    return list(sse_values(response.text.split("\n")))  # SSE lines end at LF only, never at U+2028


def tool_result(http: httpx.Client, url: str) -> dict:
    """The one tool result of a turn whose model calls one tool, asked for in ``events`` mode."""
    events = stream_values(http, url, {"prompt": "use the tool", "stream": "events"})
    (result,) = [event for event in events if event["type"] == "tool_result"]
    return result


def result_text(result: dict) -> str:
    """A tool result's content as the model reads it: its text parts, and JSON parts as JSON."""
    return " ".join(part.get("text", json.dumps(part.get("json"))) for part in result["content"])


def raw_invocation(session: str, prompt: str) -> bytes:
    """``POST /invocations`` as bytes on the wire, for tests that must act between the server's writes."""
    body = json.dumps({"prompt": prompt}).encode()
    head = (
        f"POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{SESSION_HEADER}: {session}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


@contextmanager
def served_in_own_process(program: str, *args: str, **env: str) -> Iterator[str]:
    """Run ``program`` (Python that serves an app, prints its URL, then waits for stdin to close) in its own process.

    The server then runs as in production, so a test can act between the server's last write and whatever the
    server does after it, and nothing in the test process lends the server's event loop a pause.

    Everything the server prints after its URL (its invocation records) is read as it comes, as AgentCore reads a
    container's stdout: a pipe nobody reads fills up, and the server's next print would block it.

    Yields:
        The server's base URL; leaving the block closes its stdin and waits for it to end.
    """
    server = subprocess.Popen(
        [sys.executable, "-c", program, *args],
        cwd=ROOT,
        env={**os.environ, "AWS_REGION": "us-east-1", **env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    url = server.stdout.readline().strip()
    drain = threading.Thread(target=server.stdout.read, name="server-stdout", daemon=True)
    drain.start()
    try:
        yield url
    finally:
        server.stdin.close()
        server.wait(timeout=20)
        drain.join(timeout=10)


def port_of(url: str) -> int:
    """The port of ``http://127.0.0.1:PORT``."""
    return int(url.rsplit(":", 1)[1])


@contextmanager
def python_dash_m_agent(env: Mapping[str, str], **streams: Any) -> Iterator[tuple[subprocess.Popen, str]]:
    """``python -m agent`` as the image runs it (the real model), on a free port, with exactly ``env``.

    Args:
        env: the whole environment of the process.
        streams: ``stdout`` and ``stderr`` as ``subprocess.Popen`` takes them (text mode).

    Yields:
        The process, once started (not yet serving), and its base URL; leaving the block ends it.
    """
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "agent", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=dict(env),
        text=True,
        **streams,
    )
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=10)


@contextmanager
def stream_in_background(url: str, session: str, prompt: str) -> Iterator[list[str]]:
    """Stream a turn of ``session`` in a thread of its own, so that the test can act while it is open.

    Yields:
        The ``data:`` lines read so far (the list grows), once the first has arrived; leaving the block waits for
        the stream to end.
    """
    lines: list[str] = []
    first = threading.Event()

    def read() -> None:
        request = {"json": {"prompt": prompt}, "headers": {SESSION_HEADER: session}}
        with httpx.Client(timeout=30) as client, client.stream("POST", f"{url}/invocations", **request) as response:
            for line in response.iter_lines():
                if line.startswith("data:"):
                    lines.append(line)
                    first.set()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        assert first.wait(10), "the stream's first value did not arrive within 10 s"
        yield lines
    finally:
        reader.join(20)


@dataclass
class RecordingModel(ScriptedModel):
    """A scripted model that also keeps what the agent offered it on each call: tool names and system prompt."""

    offered_tools: list[list[str]] = field(default_factory=list)
    system_prompts: list[str | None] = field(default_factory=list)

    async def stream(
        self, messages: Messages, tool_specs: Any = None, system_prompt: str | None = None, **kwargs: Any
    ) -> AsyncGenerator[StreamEvent, None]:
        """Note the offer, then play the script."""
        self.offered_tools.append([spec["name"] for spec in tool_specs or []])
        self.system_prompts.append(system_prompt)
        async for event in super().stream(messages, tool_specs, system_prompt, **kwargs):
            yield event


class Stdout:
    """The record lines the server emitted; each is written when its request is over, so wait for them."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def records(self, count: int = 1, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.lines) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return [json.loads(line) for line in self.lines]

    def record(self) -> dict:
        [found] = self.records(1)
        return found
