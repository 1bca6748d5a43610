"""Stop within a bounded time on SIGTERM, as AgentCore (and ``docker stop``) stop the container.

Left alone, uvicorn waits for every open stream to finish, then re-raises SIGTERM (exit status 143), and the
OpenTelemetry exporters that ``opentelemetry-instrument`` installed retry an unreachable collector for up to 10 s
per signal at interpreter exit: the process outlived Docker's 10 s grace and was killed. Here a SIGTERM ends every
open stream at once with the JSON error event (so a client never mistakes the cut answer for a whole one), kills the
calculator's worker processes, gives the telemetry what is left of ``SHUTDOWN_BUDGET_SECONDS`` to flush, and exits
with status 0. Nor does the exit wait for a tool thread abandoned at its timeout (``agent.tool_timeout``): the event
loop's default executor leaves its threads behind when it shuts down, where asyncio's would wait for each.

The server itself speaks HTTP through ``agent.connection_guard`` (header timeout, connection cap).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import FrameType

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.calculator_pool import POOL
from agent.config import Settings
from agent.connection_guard import ConnectionLimits, protocol_class
from agent.streaming import STREAM_ERROR, encode_sse

logger = logging.getLogger(__name__)

SHUTDOWN_BUDGET_SECONDS = 1.0
"""From SIGTERM to exit: well inside the 2 s the container promises and Docker's 10 s grace."""
_REQUEST_GRACE_SECONDS = 0.5
"""How long uvicorn waits for requests still running after their streams were ended (a /ping, a refusal)."""
SHUTDOWN_EVENT = {"error": "the agent is shutting down; send the request again", "type": STREAM_ERROR}
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
            logger.warning("shutting down: ending open streams count=<%d>", len(streams))
        await asyncio.gather(*(stream.end() for stream in streams))


def _is_event_stream(message: Message) -> bool:
    for name, value in message.get("headers", ()):
        if name.lower() == b"content-type":
            return value.split(b";")[0].strip() == b"text/event-stream"
    return False


class _Server(uvicorn.Server):
    """uvicorn that ends open streams on SIGTERM/SIGINT and does not re-raise the signal when it is done."""

    def __init__(self, config: uvicorn.Config, ender: StreamEnder) -> None:
        super().__init__(config)
        self._ender = ender
        self._loop: asyncio.AbstractEventLoop | None = None
        self.signalled_at: float | None = None

    async def serve(self, sockets: list | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop.set_default_executor(_AbandoningExecutor(thread_name_prefix="asyncio"))
        await super().serve(sockets)

    async def startup(self, sockets: list | None = None) -> None:
        await super().startup(sockets)
        if self.started:  # bound: say where, with the port the system gave when asked for port 0
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            logger.info("serving url=<http://%s:%d> paths=<POST /invocations, GET /ping>", host, port)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.signalled_at is None:
            self.signalled_at = time.monotonic()
            logger.info("shutting down signal=<%s>", signal.Signals(sig).name)
            POOL.stop_all()
            if self._loop is not None:
                asyncio.run_coroutine_threadsafe(self._ender.end_all(), self._loop)
        super().handle_exit(sig, frame)


class _AbandoningExecutor(ThreadPoolExecutor):
    """The event loop's default executor (``asyncio.to_thread``), which does not wait for its threads at shutdown.

    asyncio waits for every thread of the default executor when its loop closes (for ever before Python 3.12, up to
    300 s since); a synchronous tool abandoned at its timeout, blocked on a network call, would hold the exit.
    """

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking work and drop what is queued; return without waiting for running threads."""
        super().shutdown(wait=False, cancel_futures=True)


def _config(app: ASGIApp, settings: Settings, host: str = "127.0.0.1", port: int = 0) -> uvicorn.Config:
    limits = ConnectionLimits(settings.header_timeout_seconds, settings.max_connections)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_class(limits),
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=_REQUEST_GRACE_SECONDS,
    )


def load_server(app: ASGIApp, settings: Settings) -> None:
    """Import every module serving ``app`` imports (uvicorn's protocol implementations included), binding nothing."""
    _config(StreamEnder(app), settings).load()


def serve_until_signalled(app: ASGIApp, host: str, port: int, settings: Settings) -> None:
    """Serve ``app``; on SIGTERM or SIGINT end open streams, flush telemetry within the budget, exit with 0."""
    ender = StreamEnder(app)
    server = _Server(_config(ender, settings, host, port), ender)
    server.run()
    POOL.stop_all()  # however uvicorn stopped: no worker outlives the server
    if server.signalled_at is None:
        raise SystemExit(1)  # uvicorn stopped by itself: it could not start (it has said why)
    _exit_by(server.signalled_at + SHUTDOWN_BUDGET_SECONDS)


def _exit_by(deadline: float) -> None:
    """Flush telemetry until ``deadline`` at most, then exit with 0 without waiting any longer.

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
                logger.exception("telemetry provider did not shut down cleanly provider=<%s>", type(provider).__name__)
