"""One calculator worker process, and the thread that starts it and does all its I/O.

Every worker has a thread of its own that starts it and then does all its I/O. It starts the process itself because
``PR_SET_PDEATHSIG`` fires when the *thread* that started a process ends, and this thread lives exactly as long as
its worker; so a server that dies, even by SIGKILL, leaves no worker behind (``agent.tools.calculator.worker`` asks
the kernel for that). A calculation is one JSON line each way; a reply longer than its limit, or none, means the
worker is gone.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.tools.calculator import worker as worker_module
from agent.tools.calculator.worker import READY

logger = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parents[3]
"""The directory holding the ``agent`` package: the worker's only import path besides the interpreter's own."""
WORKER_MODULE = worker_module.__name__
"""What each worker process runs, as ``python -m WORKER_MODULE PARENT_PID``."""


class WorkerGone(Exception):
    """The worker's process ended (or could not start) before it replied."""

    def __init__(self, returncode: int | None) -> None:
        super().__init__(f"calculator worker ended with status {returncode}")
        self.returncode = returncode


@dataclass(frozen=True)
class _Job:
    request: bytes
    reply_limit: int
    reply: Future[dict[str, Any]]


class WorkerProcess:
    """One worker process and the thread that starts it and does its I/O."""

    _numbers = itertools.count(1)

    def __init__(self, on_exit: Callable[[WorkerProcess], None]) -> None:
        self.ready: Future[None] = Future()
        self.ready.set_running_or_notify_cancel()  # shared by whoever waits: none of them may cancel it
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._killed = False
        self._on_exit = on_exit
        self.name = f"calculator-worker-{next(self._numbers)}"
        threading.Thread(target=self._run, name=self.name, daemon=True).start()

    @property
    def is_ready(self) -> bool:
        """Imported, warmed and waiting for a calculation."""
        return self.ready.done() and self.ready.exception() is None

    @property
    def alive(self) -> bool:
        """Not killed, and its process (if started) still running."""
        with self._lock:
            return not self._killed and (self._process is None or self._process.poll() is None)

    def submit(self, request: dict[str, Any], reply_limit: int) -> Future[dict[str, Any]]:
        """Send one calculation; the future holds the reply (at most ``reply_limit`` bytes) or ``WorkerGone``."""
        reply: Future[dict[str, Any]] = Future()
        self._jobs.put(_Job(json.dumps(request).encode() + b"\n", reply_limit, reply))
        return reply

    def kill(self) -> None:
        """End the process now (SIGKILL); its thread then reaps it and ends too."""
        with self._lock:
            self._killed = True
            if self._process is not None and self._process.poll() is None:
                self._process.kill()
        self._jobs.put(None)

    def _run(self) -> None:
        try:
            process = self._start()
        except OSError as error:
            logger.error("error=<%s> | calculator worker did not start", error)
            self.ready.set_exception(WorkerGone(None))
            self._on_exit(self)
            return
        try:
            self._serve(process)
        finally:
            process.kill()
            returncode = process.wait()
            if not self.ready.done():  # it never said it was ready: whoever waits for it learns it is gone
                self.ready.set_exception(WorkerGone(returncode))
            self._on_exit(self)

    def _start(self) -> subprocess.Popen[bytes]:
        # PYTHONPATH is this project's root alone: opentelemetry-instrument puts its sitecustomize on the server's
        # PYTHONPATH, and the worker must not start exporters of its own.
        env = {**os.environ, "PYTHONPATH": str(_ROOT)}
        with self._lock:
            if self._killed:
                raise OSError("killed before it started")
            self._process = subprocess.Popen(  # noqa: S603 (this interpreter, a module of this package)
                [sys.executable, "-m", WORKER_MODULE, str(os.getpid())],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=_ROOT,
                env=env,
            )
            return self._process

    def _serve(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None  # noqa: S101 (both are pipes)
        try:
            greeting = json.loads(process.stdout.readline() or b"null")
        except ValueError:
            greeting = None
        if greeting != READY:
            return
        self.ready.set_result(None)
        while (job := self._jobs.get()) is not None:
            if not job.reply.set_running_or_notify_cancel():
                continue
            try:
                process.stdin.write(job.request)
                process.stdin.flush()
                line = process.stdout.readline(job.reply_limit)
                answer = json.loads(line) if line.endswith(b"\n") else None
            except (OSError, ValueError):
                answer = None
            if not isinstance(answer, dict):  # ended, killed, or a reply no calculation of these limits can give
                process.kill()
                job.reply.set_exception(WorkerGone(process.wait()))
                return
            job.reply.set_result(answer)
