"""uvicorn as the container runs it: guarded connections, and a stop on SIGTERM that no stream or thread can hold up.

Left alone, uvicorn waits for every open stream to finish, then re-raises SIGTERM (exit status 143). Here the first
SIGTERM (or SIGINT) ends every open stream and calls the caller's ``on_stop``, uvicorn gives requests still running
``_REQUEST_GRACE_SECONDS``, and ``agent.http.shutdown`` exits within the budget. Connections speak HTTP through
``agent.http.connection_guard`` (header timeout, connection cap).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import FrameType

import uvicorn
from starlette.types import ASGIApp

from agent.http.connection_guard import ConnectionLimits, protocol_class
from agent.http.shutdown import SHUTDOWN_BUDGET_SECONDS, StreamEnder, exit_by
from agent.settings import AgentSettings

logger = logging.getLogger(__name__)

_REQUEST_GRACE_SECONDS = 0.5
"""How long uvicorn waits for requests still running after their streams were ended (a /ping, a refusal)."""


def _nothing() -> None:
    """Nothing else to stop."""


class _Server(uvicorn.Server):
    """uvicorn that ends open streams on SIGTERM/SIGINT and does not re-raise the signal when it is done."""

    def __init__(self, config: uvicorn.Config, ender: StreamEnder, on_stop: Callable[[], None]) -> None:
        super().__init__(config)
        self._ender = ender
        self._on_stop = on_stop
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
            logger.info("url=<http://%s:%d>, paths=<POST /invocations, GET /ping> | serving", host, port)

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
            logger.info("signal=<%s> | shutting down", signal.Signals(sig).name)
            self._on_stop()
            if self._loop is not None:
                asyncio.run_coroutine_threadsafe(self._ender.end_all(), self._loop)
        super().handle_exit(sig, frame)


class _AbandoningExecutor(ThreadPoolExecutor):
    """The event loop's default executor (``asyncio.to_thread``), which does not wait for its threads at shutdown.

    asyncio waits for every thread of the default executor when its loop closes (for ever before Python 3.12, up to
    300 s since); a synchronous tool abandoned at its timeout (``agent.tools.time_limit``), blocked on a network call,
    would hold the exit.
    """

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking work and drop what is queued; return without waiting for running threads."""
        super().shutdown(wait=False, cancel_futures=True)


def _config(app: ASGIApp, settings: AgentSettings, host: str = "127.0.0.1", port: int = 0) -> uvicorn.Config:
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


def load_server(app: ASGIApp, settings: AgentSettings) -> None:
    """Import every module serving ``app`` imports (uvicorn's protocol implementations included), binding nothing."""
    _config(StreamEnder(app), settings).load()


def serve_until_signalled(
    app: ASGIApp, host: str, port: int, settings: AgentSettings, on_stop: Callable[[], None] = _nothing
) -> None:
    """Serve ``app``; on SIGTERM or SIGINT end open streams, flush telemetry within the budget, exit with 0.

    Args:
        app: the ASGI app to serve.
        host: the address to bind.
        port: the port to bind (0: any free one; the log line says which).
        settings: the connection limits (``HEADER_TIMEOUT_SECONDS``, ``MAX_CONNECTIONS``).
        on_stop: called when the signal arrives and again once uvicorn has stopped, however it stopped: it ends
            what must not outlive the server (the calculator's worker processes).

    Raises:
        SystemExit: with status 1 when uvicorn stopped by itself (it could not start, and has said why); after a
            signal the process exits with status 0 instead, without returning.
    """
    ender = StreamEnder(app)
    server = _Server(_config(ender, settings, host, port), ender, on_stop)
    server.run()
    on_stop()
    if server.signalled_at is None:
        raise SystemExit(1)
    exit_by(server.signalled_at + SHUTDOWN_BUDGET_SECONDS)
