"""A minimal HTTP/1.1 client that timestamps every SSE event the moment its bytes arrive.

Written on raw asyncio streams so that nothing between the socket and the clock buffers: no client library
read-ahead, TCP_NODELAY set, request head and body sent in one write (a client that writes them separately
waits ~40 ms on delayed ACK, a client effect that would swamp what is measured here).
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Exchange:
    """Timings of one request, all ``perf_counter`` seconds (CLOCK_MONOTONIC: comparable across processes)."""

    sent_at: float
    status: int = 0
    event_times: list[float] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    done_at: float = 0.0

    @property
    def ttfc(self) -> float:
        """Seconds from sending the request to the arrival of the first event."""
        return self.event_times[0] - self.sent_at

    @property
    def total(self) -> float:
        """Seconds from sending the request to the end of the response."""
        return self.done_at - self.sent_at


async def invoke(port: int, payload: dict[str, Any], session: str | None = None, timeout: float = 60.0) -> Exchange:
    """POST ``payload`` to ``/invocations`` on 127.0.0.1 and read the response to its end, within ``timeout``."""
    async with asyncio.timeout(timeout):
        return await _exchange(port, payload, session)


async def _exchange(port: int, payload: dict[str, Any], session: str | None) -> Exchange:
    body = json.dumps(payload).encode()
    head = (
        "POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n"
    )
    if session:
        head += f"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: {session}\r\n"
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    exchange = Exchange(sent_at=time.perf_counter())
    writer.write(head.encode() + b"\r\n" + body)
    status_line = await reader.readline()
    exchange.status = int(status_line.split()[1])
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    pending = b""
    while True:
        data = await reader.read(65536)
        now = time.perf_counter()
        if not data:
            break
        pending += data
        *events, pending = pending.split(b"\n\n")
        for event in events:
            start = event.find(b"data: ")
            if start >= 0:
                exchange.event_times.append(now)
                exchange.values.append(json.loads(event[start + 6 :].split(b"\r\n", 1)[0]))
        if pending.endswith(b"0\r\n\r\n"):
            break
    exchange.done_at = time.perf_counter()
    writer.close()
    return exchange


async def wait_for_ping(port: int, timeout: float) -> float:
    """Poll ``GET /ping`` every millisecond until it answers 200; return the ``perf_counter`` time it did."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.001)
            continue
        writer.write(b"GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        status_line = await reader.readline()
        answered = time.perf_counter()
        writer.close()
        if status_line.split()[1:2] == [b"200"]:
            return answered
        await asyncio.sleep(0.001)
    raise TimeoutError(f"no healthy /ping on 127.0.0.1:{port} within {timeout} s")
