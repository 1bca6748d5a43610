"""Cold start: process start to first healthy ``/ping``, against the bare import of the two frameworks."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from typing import Any

from bench.probe import wait_for_ping
from bench.processes import ROOT, bench_env
from fakes.live_server import free_port

FLOOR = "import bedrock_agentcore.runtime, strands"
CALCULATOR = (
    "import time, bedrock_agentcore.runtime, strands\n"
    "started = time.perf_counter()\n"
    "import strands_tools.calculator\n"
    "print(time.perf_counter() - started)"
)
"""What the agent keeps off the path to its first healthy ping: the calculator tool's import, sympy included."""


def _floor_seconds() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", FLOOR], cwd=ROOT, env=bench_env(), check=True)
    return time.perf_counter() - started


def _server_seconds() -> float:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "agent", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=bench_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return asyncio.run(wait_for_ping(port, timeout=60)) - started
    finally:
        process.terminate()
        process.wait(timeout=10)


def _calculator_seconds() -> float:
    result = subprocess.run(
        [sys.executable, "-c", CALCULATOR], cwd=ROOT, env=bench_env(), check=True, capture_output=True, text=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def cold_start(runs: int) -> dict[str, Any]:
    """Median seconds to a healthy ``python -m agent`` ÷ median seconds to import the frameworks.

    Also the median cost of the calculator's import on top of the frameworks: the time the server would add to
    its cold start if it imported the tool before answering ``/ping``.
    """
    _floor_seconds()  # warm the page cache for both
    floor, server, calculator = [], [], []
    for _ in range(runs):
        floor.append(_floor_seconds())
        server.append(_server_seconds())
        calculator.append(_calculator_seconds())
    floor_s, server_s = statistics.median(floor), statistics.median(server)
    return {
        "runs": runs,
        "floor_s": floor_s,
        "server_s": server_s,
        "ratio": server_s / floor_s,
        "ratio_runs": [s / f for f, s in zip(floor, server, strict=True)],
        "calculator_import_s": statistics.median(calculator),
        "calculator_import_s_runs": calculator,
    }
