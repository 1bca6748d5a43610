"""On SIGTERM the agent, run as the image runs it, exits within 2 s with status 0 and ends open streams cleanly.

AgentCore stops a session's container with SIGTERM; ``docker stop`` kills it 10 s later. The server runs in its own
process under ``opentelemetry-instrument``, with the telemetry endpoint unreachable or silent, as when no collector
listens: the exporters must not hold the exit.
"""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from agent.http.shutdown import SHUTDOWN_EVENT
from fakes.agent_process import AgentProcess, agent_process
from fakes.live_server import free_port
from fakes.scripted_server import AFTER_TOOL, tool_call_prompt
from fakes.sse import sse_values

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
def instrumented_agent(endpoint: str) -> Iterator[AgentProcess]:
    """``opentelemetry-instrument python -m agent.server`` (scripted model) in its own process, /ping healthy."""
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_METRIC_EXPORT_INTERVAL": "200"}  # metrics pending at exit
    with agent_process("slow", instrument=True, **env) as agent:
        yield agent


@pytest.mark.parametrize("collector", [closed_collector, silent_collector], ids=["refused", "silent"])
def test_sigterm__ends_the_open_stream_with_the_error_event_and_exits_0_within_2_s(collector):
    with collector() as endpoint, instrumented_agent(endpoint) as agent:
        process = agent.process
        with httpx.stream("POST", f"{agent.url}/invocations", json={"prompt": "count"}, timeout=10) as response:
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
        stderr = agent.stderr()

    assert took <= SHUTDOWN_LIMIT_SECONDS, f"exit took {took:.2f} s; stderr:\n{stderr}"
    assert exit_code == 0, stderr
    assert values[:3] == ["tick "] * 3
    assert values[-1] == SHUTDOWN_EVENT
    assert all(value == "tick " for value in values[:-1])


def test_sigterm__with_no_stream_open_exits_0_within_2_s():
    with closed_collector() as endpoint, instrumented_agent(endpoint) as agent:
        agent.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        exit_code = agent.process.wait(timeout=15)
        took = time.monotonic() - signalled

    assert exit_code == 0
    assert took <= SHUTDOWN_LIMIT_SECONDS


def test_sigterm__exits_within_2_s_while_a_tool_thread_abandoned_at_its_timeout_still_waits():
    with closed_collector() as endpoint, silent_collector() as weather:  # a weather service that never answers
        env = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
            "WEATHER_GEOCODING_URL": weather,
            "WEATHER_TIMEOUT_SECONDS": "60",
            "TOOL_TIMEOUT_SECONDS": "0.5",
        }
        with agent_process("tools", instrument=True, **env) as agent:
            prompt = tool_call_prompt("get_weather", {"city": "Paris"})
            answer = httpx.post(f"{agent.url}/invocations", json={"prompt": prompt}, timeout=10)
            agent.process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            exit_code = agent.process.wait(timeout=15)
            took = time.monotonic() - signalled

    assert list(sse_values(answer.text.split("\n"))) == [AFTER_TOOL], "the turn went on after the tool's timeout"
    assert exit_code == 0
    assert took <= SHUTDOWN_LIMIT_SECONDS, f"exit took {took:.2f} s: it waited for the abandoned thread"
