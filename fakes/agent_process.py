"""``python -m agent.server`` (a scripted model, ``fakes/scripted_server.py``) in a process of its own.

What the container runs: uvicorn as ``agent.http.serving`` configures it (header timeout, connection cap, SIGTERM
handling), and the calculator's worker processes as children of the server, so a test can watch them, signal the
server, and measure what nothing in the test process can disturb.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import psutil

from agent.tools.calculator.process import WORKER_MODULE
from fakes.live_server import free_port

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENT = Path(sys.executable).with_name("opentelemetry-instrument")


@dataclass
class AgentProcess:
    """The running server: its process, where it listens, and what it has written to stderr so far."""

    process: subprocess.Popen
    port: int
    log: IO[bytes]

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def stderr(self) -> str:
        """Everything the server has logged."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def workers(self) -> list[psutil.Process]:
        """The calculator worker processes the server runs now."""
        return [child for child in psutil.Process(self.process.pid).children() if _is_worker(child)]


def _is_worker(process: psutil.Process) -> bool:
    try:
        return WORKER_MODULE in process.cmdline()
    except psutil.Error:
        return False


@contextmanager
def agent_process(script: str, *, instrument: bool = False, **env: str) -> Iterator[AgentProcess]:
    """Serve ``script`` on a free port with ``env`` added to the environment; yields once ``/ping`` is healthy."""
    port = free_port()
    command = [sys.executable, "-m", "fakes.scripted_server", script, "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    if instrument:
        command.insert(0, str(INSTRUMENT))
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a full pipe would block the server mid-test
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "AWS_REGION": "us-east-1", **env},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        running = AgentProcess(process, port, log)
        try:
            first_ping(running.url, process, timeout=60, log=running.stderr).raise_for_status()
            yield running
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


def first_ping(
    url: str, process: subprocess.Popen, timeout: float, log: Callable[[], str] = lambda: ""
) -> httpx.Response:
    """The first answer of ``GET /ping`` from a server starting in ``process``, asked every 50 ms.

    Fails, with what ``log`` returns, when the process ends first or ``timeout`` seconds pass without an answer.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(f"{url}/ping", timeout=1)
        except httpx.TransportError:
            assert process.poll() is None, f"the agent ended before it answered /ping: {log()}"
            assert time.monotonic() < deadline, f"the agent did not answer /ping within {timeout:g} s: {log()}"
            time.sleep(0.05)


def gone(pids: list[int], timeout: float) -> bool:
    """Whether every process in ``pids`` has ended (exited, or only a zombie left) within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(_running(pid) for pid in pids):
            return True
        time.sleep(0.02)
    return False


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
