"""Calculator worker processes: the calculator computes outside the server's process, under limits, and can be killed.

A calculation is model-chosen input: ``9**9**9`` asks sympy for minutes of CPU and gigabytes of memory, and inside the
server it would hold the interpreter lock, stall ``/ping`` and every other stream, and ignore a hang-up and SIGTERM
alike. So each calculation runs in a worker process (``agent.tools.calculator.worker``) that the kernel limits (CPU
time, address space) and that this module kills when the calculation overruns its wall-clock time, when the turn that
asked for it is cancelled (a hang-up, ``TOOL_TIMEOUT_SECONDS``, shutdown) or when it hits a limit. A killed worker
is replaced in the background, so the next call finds a warm one again.

The design: one worker is kept warm (sympy and the tool imported; ``python -m agent`` starts it before anything else,
and ``/ping`` starts one whenever none is idle); a call takes it, or starts a fresh worker when none is idle, so
concurrent calls from different sessions never queue behind a runaway one; at most ``MAX_BUSY_WORKERS`` calculations run
at once (each may hold its memory limit), and a call beyond that waits for a free place. A worker whose call ended
normally goes back to being the warm one, or exits if there already is one.

``agent.tools.calculator.process`` runs each worker. ``stop_all`` kills every worker (``python -m agent`` has it
called on SIGTERM). Everything here is plain threads and processes, usable from any event loop: ``/ping`` runs on a
worker thread of the server, tools on the server's loop.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import signal
import threading
from dataclasses import dataclass
from typing import Any

from agent.tools.calculator.process import WorkerGone, WorkerProcess

logger = logging.getLogger(__name__)

MAX_BUSY_WORKERS = 4
"""Calculations running at once, per process: a 2-vCPU microVM serves them at low priority beside the server."""
_IDLE_WORKERS = 1
_SLOT_POLL_SECONDS = 0.02
_REPLY_LIMIT_OVERHEAD = 4096


class Limit(enum.Enum):
    """Which limit a calculation ran into; the worker that ran it is gone."""

    TIME = "time"
    CPU = "cpu"
    MEMORY = "memory"
    RESULT = "result"
    CRASH = "crash"


@dataclass(frozen=True)
class Limits:
    """What one calculation may use."""

    seconds: float
    """Wall-clock time from sending the calculation to its reply; the CPU limit is this, rounded up."""
    memory_bytes: int
    """Address space of the whole worker, interpreter and sympy included."""
    max_result_chars: int

    @property
    def cpu_seconds(self) -> int:
        """Whole seconds of CPU, as ``RLIMIT_CPU`` counts them: never less than the wall-clock time allows."""
        return max(1, -int(-self.seconds // 1))


@dataclass(frozen=True)
class Reply:
    """A calculation's outcome: the tool's own result, or the limit that stopped it (and what it measured)."""

    status: str = "error"
    content: tuple[dict[str, Any], ...] = ()
    limit: Limit | None = None
    detail: int | None = None


class CalculatorPool:
    """The process's calculator workers: one kept warm, a fresh one per call beyond it, at most a few busy."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[WorkerProcess] = []
        self._all: set[WorkerProcess] = set()
        self._busy = threading.BoundedSemaphore(MAX_BUSY_WORKERS)
        self._stopped = False

    def warm_up(self) -> None:
        """Start a worker to keep warm unless one is idle (or starting) already; returns at once."""
        with self._lock:
            if not self._stopped and not any(worker.alive for worker in self._idle):
                self._idle = [self._new_worker()]

    async def until_warm(self, seconds: float) -> bool:
        """Have a worker warm (started if none is), and wait up to ``seconds`` until it can calculate at once.

        Returns:
            Whether a worker is ready; False when it was not in time, or died starting.
        """
        self.warm_up()
        with self._lock:
            worker = next((worker for worker in self._idle if worker.alive), None)
        if worker is None:
            return False
        try:
            async with asyncio.timeout(seconds):
                await asyncio.wrap_future(worker.ready)
        except (TimeoutError, WorkerGone):
            return False
        return True

    def warm(self) -> int:
        """How many idle workers are ready to calculate at once."""
        with self._lock:
            return sum(1 for worker in self._idle if worker.alive and worker.is_ready)

    def stop_all(self) -> None:
        """Kill every worker, idle or busy, and start no more; calls in flight end as if their worker had crashed."""
        with self._lock:
            self._stopped = True
            workers = list(self._all)
            self._idle.clear()
        for worker in workers:
            worker.kill()

    async def calculate(self, tool_use: dict[str, Any], limits: Limits) -> Reply:
        """Run the real tool on ``tool_use`` in a worker, within ``limits``; a worker that overran is killed.

        Cancelling the caller (a hang-up, a tool timeout, shutdown) kills the worker too: a calculation nobody waits
        for must not go on burning CPU.
        """
        while not self._busy.acquire(blocking=False):
            await asyncio.sleep(_SLOT_POLL_SECONDS)  # a threading semaphore: callers may be on different loops
        try:
            worker = self._take()
            if worker is None:
                return Reply(limit=Limit.CRASH)
            reply_limit = limits.max_result_chars * 6 + _REPLY_LIMIT_OVERHEAD  # every character JSON-escaped
            request = {
                "tool_use": tool_use,
                "cpu_seconds": limits.cpu_seconds,
                "memory_bytes": limits.memory_bytes,
                "max_result_chars": limits.max_result_chars,
            }
            try:
                await asyncio.wrap_future(worker.ready)  # a worker still importing: no calculation time spent yet
                async with asyncio.timeout(limits.seconds):
                    answer = await asyncio.wrap_future(worker.submit(request, reply_limit))
            except TimeoutError:
                worker.kill()
                return self._overran(Reply(limit=Limit.TIME))
            except WorkerGone as gone:
                worker.kill()
                cpu = gone.returncode == -signal.SIGXCPU
                return self._overran(Reply(limit=Limit.CPU if cpu else Limit.CRASH, detail=gone.returncode))
            except BaseException:
                worker.kill()
                self.warm_up()
                raise
            if "limit" in answer:
                worker.kill()
                return self._overran(Reply(limit=Limit(answer["limit"]), detail=answer.get("chars")))
            self._give_back(worker)
            return Reply(status=answer["status"], content=tuple(answer["content"]))
        finally:
            self._busy.release()

    def _new_worker(self) -> WorkerProcess:
        worker = WorkerProcess(on_exit=self._forget)
        self._all.add(worker)
        return worker

    def _forget(self, worker: WorkerProcess) -> None:
        with self._lock:
            self._all.discard(worker)
            if worker in self._idle:
                self._idle.remove(worker)

    def _take(self) -> WorkerProcess | None:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    return worker
            return None if self._stopped else self._new_worker()

    def _give_back(self, worker: WorkerProcess) -> None:
        with self._lock:
            if len(self._idle) < _IDLE_WORKERS:
                self._idle.append(worker)
                return
        worker.kill()

    def _overran(self, reply: Reply) -> Reply:
        logger.warning("limit=<%s>, detail=<%s> | calculator worker stopped", reply.limit.value, reply.detail)
        self.warm_up()
        return reply


POOL = CalculatorPool()
"""The process's workers: processes belong to the process, whatever app or event loop asks for a calculation."""
