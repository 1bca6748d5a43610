"""A stand-in for Amazon Bedrock's ``ConverseStream`` over HTTP, which writes down how far each answer was read.

Real boto3 (Strands' ``BedrockModel``, pointed here with ``endpoint_url``) calls ``POST /model/<id>/converse-stream``
and gets what Bedrock sends: an ``application/vnd.amazon.eventstream`` body of binary event-stream messages
(``messageStart``, one ``contentBlockDelta`` per text delta, ``contentBlockStop``, ``messageStop``, ``metadata``),
each framed and checksummed as botocore's parser expects. Deltas are written ``pace`` seconds apart, as a model that
is still generating. The stand-in watches the connection while it writes: when the reader closes it, the answer's
``Generation`` records when, and how many deltas had been written by then. Bedrock stops generating (and billing) an
answer whose connection closed; here the writing stops.
"""

from __future__ import annotations

import asyncio
import json
import struct
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

from starlette.types import Receive, Scope, Send

CONTENT_TYPE = "application/vnd.amazon.eventstream"
_STRING = 7
"""The event-stream header value type of a UTF-8 string."""


def event_message(event_type: str, payload: dict[str, Any]) -> bytes:
    """One event-stream message carrying ``payload`` as JSON: prelude, its CRC, headers, payload, message CRC."""
    headers = b"".join(
        _header(name, value)
        for name, value in (
            (":event-type", event_type),
            (":content-type", "application/json"),
            (":message-type", "event"),
        )
    )
    body = json.dumps(payload).encode()
    total = 12 + len(headers) + len(body) + 4
    prelude = struct.pack(">II", total, len(headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + headers + body
    return message + struct.pack(">I", zlib.crc32(message))


def _header(name: str, value: str) -> bytes:
    encoded = value.encode()
    return struct.pack(">B", len(name)) + name.encode() + struct.pack(">BH", _STRING, len(encoded)) + encoded


@dataclass
class Generation:
    """One answer the stand-in generated: how far it got, and whether its reader left first."""

    started_at: float
    deltas_written: int = 0
    closed_by_reader_at: float | None = None
    """``time.monotonic()`` when the reader's side of the connection closed, before the answer's end."""
    finished: bool = False


@dataclass
class BedrockStream:
    """Answers every ConverseStream call with ``deltas`` text deltas ``pace`` seconds apart."""

    deltas: int = 20
    pace: float = 0.0
    text: str = "x"
    generations: list[Generation] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI app: only ``POST /model/<id>/converse-stream`` exists."""
        if scope["type"] != "http":
            return
        if scope["method"] != "POST" or not scope["path"].endswith("/converse-stream"):
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        while (await receive()).get("more_body"):
            pass  # the request: any conversation gets the same answer
        generation = Generation(started_at=time.monotonic())
        self.generations.append(generation)
        writer = asyncio.ensure_future(self._write(send, generation))
        watcher = asyncio.ensure_future(_disconnected(receive))
        await asyncio.wait({writer, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if not writer.done():
            generation.closed_by_reader_at = time.monotonic()
        writer.cancel()
        watcher.cancel()

    async def _write(self, send: Send, generation: Generation) -> None:
        headers = [(b"content-type", CONTENT_TYPE.encode()), (b"x-amzn-requestid", b"fake-request")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await self._event(send, "messageStart", {"role": "assistant"})
        for _ in range(self.deltas):
            if self.pace:
                await asyncio.sleep(self.pace)
            await self._event(send, "contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": self.text}})
            generation.deltas_written += 1
        await self._event(send, "contentBlockStop", {"contentBlockIndex": 0})
        await self._event(send, "messageStop", {"stopReason": "end_turn"})
        usage = {"inputTokens": 10, "outputTokens": self.deltas, "totalTokens": 10 + self.deltas}
        await self._event(send, "metadata", {"usage": usage, "metrics": {"latencyMs": 1}})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        generation.finished = True

    @staticmethod
    async def _event(send: Send, event_type: str, payload: dict[str, Any]) -> None:
        await send({"type": "http.response.body", "body": event_message(event_type, payload), "more_body": True})


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
