"""Start and stop benchmark servers as subprocesses on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.probe import wait_for_ping
from fakes.live_server import free_port

ROOT = Path(__file__).resolve().parents[1]


def bench_env(**extra: str) -> dict[str, str]:
    """The environment of every server: this repo importable, a region for the Bedrock client, quiet logs."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "AWS_REGION": "us-east-1", "LOG_LEVEL": "WARNING", **extra}


@contextmanager
def server(*args: str, module: str = "bench.serve", **env: str) -> Iterator[tuple[int, subprocess.Popen]]:
    """Run ``python -m module *args --port P`` until the block ends; yields the port once /ping is healthy."""
    port = free_port()
    # The server's log goes to a file: an unread pipe fills up and blocks the server mid-benchmark.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args, "--port", str(port)],
            cwd=ROOT,
            env=bench_env(**env),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            try:
                asyncio.run(wait_for_ping(port, timeout=60))
            except TimeoutError:
                log.seek(0)
                raise RuntimeError(f"{module} {' '.join(args)} did not start: {log.read().decode()}") from None
            yield port, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
