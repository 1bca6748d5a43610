"""What SIGTERM does: every open stream ends with an error event, telemetry flushes, the process exits 0 in 1 s.

AgentCore (and ``docker stop``) stop the container with SIGTERM and kill it 10 s later. Left alone, the OpenTelemetry
exporters that ``opentelemetry-instrument`` installed retry an unreachable collector for up to 10 s per signal at
interpreter exit, and the process outlived Docker's grace. Here ``StreamEnder`` ends every open stream at once with
``SHUTDOWN_EVENT`` (so a client never mistakes the cut answer for a whole one), and ``exit_by`` gives the telemetry
what is left of ``SHUTDOWN_BUDGET_SECONDS`` to flush, then exits with status 0. ``agent.http.serving`` calls both.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import threading
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.streaming.sse import encode_sse
from contract.stream import error_event

logger = logging.getLogger(__name__)

SHUTDOWN_BUDGET_SECONDS = 1.0
"""From SIGTERM to exit: well inside the 2 s the container promises and Docker's 10 s grace."""
SHUTDOWN_EVENT = error_event("the agent is shutting down; send the request again")
"""The last event of every stream still open when SIGTERM arrives."""


class _Stream:
    """One open Server-Sent Events response: its sends are serialised so the final event never splits another."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._lock = asyncio.Lock()
        self.complete = False
        self.ended_by_shutdown = False

    async def send(self, message: Message) -> None:
        async with self._lock:
            if self.ended_by_shutdown:
                raise OSError("the stream was ended because the agent is shutting down")  # as if the client hung up
            await self._send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.complete = True

    async def end(self) -> None:
        async with self._lock:
            if self.complete or self.ended_by_shutdown:
                return
            self.ended_by_shutdown = True
            with contextlib.suppress(OSError):  # the client may have gone already
                await self._send({"type": "http.response.body", "body": encode_sse(SHUTDOWN_EVENT), "more_body": False})


class StreamEnder:
    """ASGI middleware that knows every open event stream and can end them all with the shutdown event."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._streams: set[_Stream] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request through, remembering its response while it is an open event stream."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        stream: _Stream | None = None

        async def tracking_send(message: Message) -> None:
            nonlocal stream
            if stream is not None:
                await stream.send(message)
                return
            if message["type"] == "http.response.start" and _is_event_stream(message):
                stream = _Stream(send)
                self._streams.add(stream)
            await send(message)

        async def tracking_receive() -> Message:
            if stream is not None and stream.ended_by_shutdown:
                return {"type": "http.disconnect"}
            return await receive()

        try:
            await self.app(scope, tracking_receive, tracking_send)
        except Exception:
            if stream is None or not stream.ended_by_shutdown:
                raise
            # The app saw the stream we ended as a hang-up; it stopped the turn, which is all we wanted.
        finally:
            if stream is not None:
                self._streams.discard(stream)

    async def end_all(self) -> None:
        """End every open stream with ``SHUTDOWN_EVENT``; new sends to them then fail as if the client had gone."""
        streams = list(self._streams)
        if streams:
            logger.warning("count=<%d> | shutting down: ending open streams", len(streams))
        await asyncio.gather(*(stream.end() for stream in streams))


def _is_event_stream(message: Message) -> bool:
    for name, value in message.get("headers", ()):
        if name.lower() == b"content-type":
            return value.split(b";")[0].strip() == b"text/event-stream"
    return False


def exit_by(deadline: float) -> None:
    """Flush telemetry until ``deadline`` (``time.monotonic``) at most, then exit with 0 without waiting any longer.

    ``os._exit`` skips the exit handlers on purpose: the OpenTelemetry providers' own handlers would flush again,
    each retrying an unreachable collector for up to ``OTEL_EXPORTER_OTLP_TIMEOUT``.
    """
    flusher = threading.Thread(target=_flush_telemetry, name="telemetry-flush", daemon=True)
    flusher.start()
    flusher.join(timeout=max(0.0, deadline - time.monotonic()))
    if flusher.is_alive():
        logger.warning("telemetry not flushed within the shutdown budget; exiting without it")
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _flush_telemetry() -> None:
    """Shut down whatever OpenTelemetry providers are installed (none without ``opentelemetry-instrument``)."""
    from opentelemetry import _logs, metrics, trace

    for provider in (trace.get_tracer_provider(), metrics.get_meter_provider(), _logs.get_logger_provider()):
        shutdown = getattr(provider, "shutdown", None)
        if shutdown is not None:
            try:
                shutdown()
            except Exception:
                logger.exception(
                    "provider=<%s> | telemetry provider did not shut down cleanly", type(provider).__name__
                )
