"""The calculator's worker process: ``strands_tools.calculator`` under CPU, memory and result-size limits.

Started by ``agent.tools.calculator.pool`` (never by hand) as ``python -m agent.tools.calculator.worker PARENT_PID``.
It imports the real tool, runs one small calculation so that everything a first call needs is loaded, says it is
ready, then answers one request at a time. Requests arrive on stdin and replies leave on the original stdout, one
JSON object per line; anything the tool prints goes to stderr, so it can never be taken for a reply.

Each request carries its limits, set here just before the call, because the kernel enforces them on this process
alone, whatever the server is doing:

- CPU time: ``RLIMIT_CPU`` counts the process's whole life, so its soft limit is re-armed before every call to the
  CPU used so far plus the call's allowance. Past it the kernel sends ``SIGXCPU``, whose default action ends the
  process (no core file: ``RLIMIT_CORE`` is 0).
- Memory: ``RLIMIT_AS`` caps the address space; an allocation beyond it raises ``MemoryError``. The tool catches
  every exception and reports it as its own error text, so the error is recognised in ``create_error_panel``, which
  the tool calls while handling it, and the reply says which limit was hit.
- Result size: a result longer than the request allows is not sent; the reply says how long it was.

The process lowers its own priority, ignores Ctrl-C (its server decides when it ends), and, on Linux, asks the kernel
to kill it when the server thread that started it ends (``PR_SET_PDEATHSIG``): a server killed with SIGKILL leaves no
computation behind. It exits when stdin closes.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import json
import logging
import math
import os
import resource
import signal
import sys
from collections.abc import Callable
from typing import IO, Any

from agent.observability import log_format

_PR_SET_PDEATHSIG = 1
READY = {"ready": True}
"""The first line a worker writes, once the tool is imported and warmed."""
_WARM_UP = {"toolUseId": "warm-up", "name": "calculator", "input": {"expression": "2 + 3 * 4"}}


def _die_with_parent(parent_pid: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (AttributeError, OSError):  # not Linux: the CPU limit still ends a computation whose server is gone
        pass
    if os.getppid() != parent_pid:  # the server died before the request above was made
        os._exit(0)


def _caused_by(error: BaseException | None, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, kind):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _watch_memory_errors(module: Any) -> Callable[[], bool]:
    """Make the tool's error report note a ``MemoryError``; returns a function that says whether one was noted."""
    original = module.create_error_panel
    noted: list[bool] = []

    def create_error_panel(console: Any, error_message: str) -> None:
        if _caused_by(sys.exc_info()[1], MemoryError):
            noted.append(True)
        original(console, error_message)

    module.create_error_panel = create_error_panel

    def take() -> bool:
        hit = bool(noted)
        noted.clear()
        return hit

    return take


def _arm_limits(cpu_seconds: int, memory_bytes: int) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(usage.ru_utime + usage.ru_stime) + cpu_seconds
    if cpu_hard != resource.RLIM_INFINITY:
        soft = min(soft, cpu_hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, cpu_hard))
    _, memory_hard = resource.getrlimit(resource.RLIMIT_AS)
    if memory_hard != resource.RLIM_INFINITY:
        memory_bytes = min(memory_bytes, memory_hard)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_hard))


async def _run(tool: Any, tool_use: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    async for event in tool.stream(tool_use, {}):
        result = event.get("tool_result", result)
    return result


def _reply(tool: Any, runner: asyncio.Runner, memory_error: Callable[[], bool], request: dict[str, Any]) -> dict:
    _arm_limits(request["cpu_seconds"], request["memory_bytes"])
    try:
        result = runner.run(_run(tool, request["tool_use"]))
    except MemoryError:
        return {"limit": "memory"}
    if memory_error():
        return {"limit": "memory"}
    content = result.get("content", [])
    chars = sum(len(part.get("text", "")) for part in content)
    if chars > request["max_result_chars"]:
        return {"limit": "result", "chars": chars}
    return {"status": result.get("status", "error"), "content": content}


class _NotTheDeprecationNotice(logging.Filter):
    """Drops ``strands_tools.calculator``'s import-time deprecation notice; passes everything else it logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but the notice."""
        return not str(record.msg).startswith("DEPRECATION WARNING")


def _write(out: IO[bytes], value: dict[str, Any]) -> None:
    out.write(json.dumps(value, ensure_ascii=False).encode() + b"\n")
    out.flush()


def main(argv: list[str]) -> None:
    """Serve calculator requests on stdin until it closes."""
    _die_with_parent(int(argv[0]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(10)  # under contention the server, answering /ping and other sessions, goes first
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what the tool prints goes to stderr, never into the replies
    log_format.configure(os.environ.get("LOG_LEVEL", "INFO"))
    # The tool logs its deprecation notice on every import, so once per worker started or replaced; the pin is
    # deliberate (docs/tools.md says why), and a runtime's logs need it no more than once per image.
    logging.getLogger("strands_tools.calculator").addFilter(_NotTheDeprecationNotice())
    gc.disable()  # the import and the warm-up create objects that live as long as the process: nothing to collect

    import strands_tools.calculator as module

    memory_error = _watch_memory_errors(module)
    with asyncio.Runner() as runner:
        runner.run(_run(module.calculator, _WARM_UP))
        gc.freeze()  # and no later collection needs to look at them again
        gc.enable()
        _write(out, READY)
        for line in sys.stdin.buffer:
            _write(out, _reply(module.calculator, runner, memory_error, json.loads(line)))
    out.close()
    os._exit(0)  # no exit handlers: nothing of this process's state is worth saving


if __name__ == "__main__":
    main(sys.argv[1:])
