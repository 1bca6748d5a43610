"""Worker threads that run the calls of one key one after another, in the order they were submitted.

AgentCore Memory's calls for different sessions are independent and may run side by side; those of one session must
not overtake each other, or a restore after an eviction could read the conversation before an earlier turn's write
landed. A key's calls form a queue that one worker thread at a time drains; a key with nothing queued holds no
thread and no memory.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

R = TypeVar("R")


class OrderedExecutor:
    """Runs calls on ``workers`` threads; the calls of one key run one after another in submission order.

    Args:
        workers: threads shared by every key.
        thread_name_prefix: what the threads are called, for thread dumps and profiles.
    """

    def __init__(self, workers: int, thread_name_prefix: str) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=thread_name_prefix)
        self._lock = threading.Lock()
        self._queues: dict[Hashable, deque[tuple[Callable[[], Any], Future[Any]]]] = {}

    def submit(self, key: Hashable, call: Callable[[], R]) -> Future[R]:
        """Queue ``call`` behind every call already submitted for ``key``; the future holds its result or error.

        A future cancelled before its call started is skipped, and the key's next call runs.
        """
        future: Future[R] = Future()
        with self._lock:
            queue = self._queues.get(key)
            start = queue is None
            if queue is None:
                queue = self._queues[key] = deque()
            queue.append((call, future))
        if start:
            self._pool.submit(self._drain, key)
        return future

    def _drain(self, key: Hashable) -> None:
        while True:
            with self._lock:
                queue = self._queues[key]
                if not queue:
                    del self._queues[key]
                    return
                call, future = queue.popleft()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call())
            except BaseException as error:  # handed to whoever waits on the future
                future.set_exception(error)
