"""On SIGTERM the agent, run as the image runs it, exits within 2 s with status 0 and ends open streams cleanly.

AgentCore stops a session's container with SIGTERM; ``docker stop`` kills it 10 s later. The server runs in its own
process under ``opentelemetry-instrument``, with the telemetry endpoint unreachable or silent, as when no collector
listens: the exporters must not hold the exit.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from agent.logs import STREAM_STARTED, StreamStartFilter
from agent.shutdown import SHUTDOWN_EVENT
from fakes.live_server import free_port
from fakes.sse import sse_values

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENT = Path(sys.executable).with_name("opentelemetry-instrument")
SHUTDOWN_LIMIT_SECONDS = 2.0


@contextmanager
def silent_collector() -> Iterator[str]:
    """An OTLP endpoint that accepts connections and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@contextmanager
def closed_collector() -> Iterator[str]:
    """An OTLP endpoint where nothing listens: every export attempt is refused, and the exporter retries."""
    yield f"http://127.0.0.1:{free_port()}"


@contextmanager
def instrumented_agent(endpoint: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """``opentelemetry-instrument python -m agent.server`` (scripted model) in its own process, /ping healthy."""
    port = free_port()
    env = {
        **os.environ,
        "AWS_REGION": "us-east-1",
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "OTEL_METRIC_EXPORT_INTERVAL": "200",  # metrics are pending at shutdown, as in a long-running container
    }
    process = subprocess.Popen(
        [
            str(INSTRUMENT),
            sys.executable,
            "-m",
            "fakes.scripted_server",
            "slow",
            *("--host", "127.0.0.1", "--port", str(port)),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/ping", timeout=1).raise_for_status()
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "the agent did not answer /ping within 60 s"
                time.sleep(0.05)
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        process.stderr.close()


@pytest.mark.parametrize("collector", [closed_collector, silent_collector], ids=["refused", "silent"])
def test_sigterm__ends_the_open_stream_with_the_error_event_and_exits_0_within_2_s(collector):
    with collector() as endpoint, instrumented_agent(endpoint) as (process, url):
        with httpx.stream("POST", f"{url}/invocations", json={"prompt": "count"}, timeout=10) as response:
            lines = response.iter_lines()
            values = []
            for value in sse_values(lines):
                values.append(value)
                if len(values) == 3:
                    break
            process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            values.extend(sse_values(lines))
        exit_code = process.wait(timeout=15)
        took = time.monotonic() - signalled
        stderr = process.stderr.read().decode()

    assert took <= SHUTDOWN_LIMIT_SECONDS, f"exit took {took:.2f} s; stderr:\n{stderr}"
    assert exit_code == 0, stderr
    assert values[:3] == ["tick "] * 3
    assert values[-1] == SHUTDOWN_EVENT
    assert all(value == "tick " for value in values[:-1])


def test_sigterm__with_no_stream_open_exits_0_within_2_s():
    with closed_collector() as endpoint, instrumented_agent(endpoint) as (process, _url):
        process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        exit_code = process.wait(timeout=15)
        took = time.monotonic() - signalled

    assert exit_code == 0
    assert took <= SHUTDOWN_LIMIT_SECONDS


def test_sdk_success_record__says_the_stream_started_not_that_the_invocation_succeeded():
    record = logging.LogRecord(
        "bedrock_agentcore.app", logging.INFO, "app.py", 1, "Invocation completed successfully (%.3fs)", (0.004,), None
    )

    kept = StreamStartFilter().filter(record)

    assert kept is True
    assert record.getMessage() == STREAM_STARTED % 0.004 == "Invocation stream started (0.004s)"
