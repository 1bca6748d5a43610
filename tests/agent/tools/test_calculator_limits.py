"""A calculation the model asks for can run away; the agent around it cannot: limits, kills, and nothing left behind.

The runaway cases run against ``python -m agent.server`` in a process of its own (``fakes/agent_process.py``),
so ``/ping``, other sessions, the server's memory and its signals are observed exactly as in the container. The
calculator's limit is 1 s there, so each case takes about that long.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import psutil
import pytest

from agent.tools.calculator.tool import calculator_tool
from contract.agentcore import SESSION_HEADER
from fakes.agent_process import AgentProcess, agent_process, gone
from fakes.scripted_model import ScriptedModel, ToolCall
from fakes.scripted_server import AFTER_TOOL, tool_call_prompt
from fakes.sse import sse_values
from tests.agent.helpers import SESSION_A, SESSION_B, result_text

LIMIT_SECONDS = 1.0
MEMORY_MB = 256
RESPONSIVE_SECONDS = 1.0
RSS_GROWTH_LIMIT = 50 * 1024 * 1024
SHUTDOWN_LIMIT_SECONDS = 2.0

RUNAWAYS = {
    "9**9**9": ({"expression": "9**9**9"}, "the expression is too large to compute"),
    "factorial(10**8)": ({"expression": "factorial(10**8)"}, "the expression is too large to compute"),
    "10**10**8": ({"expression": "10**10**8"}, "the expression is too large to compute"),
    "precision 300000000": (
        {"expression": "1/3", "precision": 300000000},
        "precision 300000000 is above the calculator's maximum of 1000",
    ),
}


@dataclass
class Turn:
    """What a client saw of one turn: its events, and when the tool call and its result arrived."""

    events: list[Any] = field(default_factory=list)
    tool_use_at: float | None = None
    tool_result_at: float | None = None
    started: threading.Event = field(default_factory=threading.Event)

    @property
    def result(self) -> dict:
        (result,) = [event for event in self.events if event.get("type") == "tool_result"]
        return result

    @property
    def text(self) -> str:
        return "".join(event["text"] for event in self.events if event.get("type") == "text")

    @property
    def tool_seconds(self) -> float:
        return self.tool_result_at - self.tool_use_at


def calculate(url: str, session: str, tool_input: dict, turn: Turn | None = None) -> Turn:
    """One turn in which the model calls the calculator with ``tool_input``; ``turn.started`` is set when it runs."""
    turn = turn or Turn()
    payload = {"prompt": tool_call_prompt("calculator", tool_input), "stream": "events"}
    with httpx.stream(
        "POST", f"{url}/invocations", json=payload, headers={SESSION_HEADER: session}, timeout=60
    ) as response:
        assert response.status_code == 200
        for event in sse_values(response.iter_lines()):
            turn.events.append(event)
            if event.get("type") == "tool_use":
                turn.tool_use_at = time.monotonic()
                turn.started.set()
            elif event.get("type") == "tool_result":
                turn.tool_result_at = time.monotonic()
    return turn


def in_background(url: str, session: str, tool_input: dict) -> tuple[Turn, threading.Thread]:
    """``calculate`` in a thread, returning once the calculator runs; a server that ends first ends the turn too."""
    turn = Turn()

    def run() -> None:
        with contextlib.suppress(httpx.TransportError):
            calculate(url, session, tool_input, turn)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert turn.started.wait(30), "the model's calculator call did not start"
    return turn, thread


@pytest.fixture(scope="module")
def agent() -> Iterator[AgentProcess]:
    env = {"CALCULATOR_TIMEOUT_SECONDS": str(LIMIT_SECONDS), "CALCULATOR_MEMORY_MB": str(MEMORY_MB)}
    with agent_process("tools", LOG_LEVEL="WARNING", **env) as running:
        yield running


def warm(url: str) -> None:
    """A calculation that succeeds, so that a warm worker waits for the next one."""
    assert result_text(calculate(url, "warm-up-" + "w" * 40, {"expression": "17 * 23"}).result) == "Result: 391"


@pytest.mark.parametrize(("tool_input", "error"), RUNAWAYS.values(), ids=RUNAWAYS.keys())
def test_runaway_calculation__ends_in_a_tool_error_within_its_limit_while_the_server_keeps_answering(
    agent, tool_input, error
):
    warm(agent.url)
    server = psutil.Process(agent.process.pid)
    rss_before = server.memory_info().rss
    slowest, probes, rss_peak = 0.0, 0, rss_before

    turn, thread = in_background(agent.url, SESSION_A, tool_input)
    with httpx.Client(timeout=RESPONSIVE_SECONDS) as http:
        while probes == 0 or thread.is_alive():
            started = time.monotonic()
            assert http.get(f"{agent.url}/ping").json()["status"] in ("Healthy", "HealthyBusy")
            other = http.post(
                f"{agent.url}/invocations", json={"prompt": "still here?"}, headers={SESSION_HEADER: SESSION_B}
            )
            assert 'data: "still here?"' in other.text
            slowest = max(slowest, time.monotonic() - started)
            probes += 1
            rss_peak = max(rss_peak, server.memory_info().rss)
            time.sleep(0.05)
    thread.join()

    assert result_text(turn.result).startswith(f"Error: {error}")
    assert turn.result["status"] == "error"
    assert turn.text == AFTER_TOOL, "the turn goes on after the tool error and ends normally"
    assert turn.tool_seconds < LIMIT_SECONDS + 1.0
    assert slowest < RESPONSIVE_SECONDS
    assert rss_peak - rss_before < RSS_GROWTH_LIMIT
    assert all(worker.memory_info().rss <= MEMORY_MB * 1024 * 1024 for worker in agent.workers())


def test_calculation_in_another_session__does_not_wait_behind_a_runaway_one():
    with agent_process("tools", CALCULATOR_TIMEOUT_SECONDS="60", LOG_LEVEL="WARNING") as agent:
        warm(agent.url)
        runaway, _ = in_background(agent.url, SESSION_A, {"expression": "9**9**9"})

        started = time.monotonic()
        other = calculate(agent.url, SESSION_B, {"expression": "17 * 23"})
        took = time.monotonic() - started

    assert result_text(other.result) == "Result: 391"
    assert took < 10, f"the second calculation waited {took:.1f} s"
    assert runaway.tool_result_at is None


def test_hang_up__kills_the_calculation_in_flight():
    body = json.dumps({"prompt": tool_call_prompt("calculator", {"expression": "9**9**9"}), "stream": "events"})
    request = (
        f"POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()
    with agent_process("tools", CALCULATOR_TIMEOUT_SECONDS="60", LOG_LEVEL="WARNING") as agent:
        warm(agent.url)
        (worker,) = agent.workers()
        idle_cpu = sum(worker.cpu_times()[:2])
        with socket.create_connection(("127.0.0.1", agent.port), timeout=10) as sock:
            sock.sendall(request)
            received = b""
            while b'"tool_use"' not in received:
                received += sock.recv(65536)
            time.sleep(0.3)
            assert sum(worker.cpu_times()[:2]) - idle_cpu > 0.1, "the worker is computing when the client hangs up"
        hung_up = time.monotonic()

        assert gone([worker.pid], timeout=RESPONSIVE_SECONDS), "the calculation went on after the hang-up"
        stopped = time.monotonic() - hung_up
        assert calculate(agent.url, SESSION_B, {"expression": "2 + 2"}).result["status"] == "success"

    assert stopped < RESPONSIVE_SECONDS


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_server_ending_during_a_runaway_calculation__leaves_no_worker_behind(sig):
    with agent_process("tools", instrument=True, CALCULATOR_TIMEOUT_SECONDS="60", LOG_LEVEL="WARNING") as agent:
        warm(agent.url)
        in_background(agent.url, SESSION_A, {"expression": "9**9**9"})
        workers = [worker.pid for worker in agent.workers()]

        agent.process.send_signal(sig)
        signalled = time.monotonic()
        exit_code = agent.process.wait(timeout=15)
        took = time.monotonic() - signalled

        assert workers
        assert gone(workers, timeout=1.0), "a calculator worker outlived the server"
    if sig == signal.SIGTERM:
        assert exit_code == 0, agent.stderr()
        assert took <= SHUTDOWN_LIMIT_SECONDS, f"exit took {took:.2f} s"


def real_result(tool_input: dict) -> dict:
    async def run() -> dict:
        result = {}
        async for event in calculator_tool().stream({"toolUseId": "t", "name": "calculator", "input": tool_input}, {}):
            result = event.get("tool_result", result)
        return result

    return asyncio.run(run())


SAME_AS_REAL = [
    {"expression": "2 + 3 * 4"},
    {"expression": "sqrt(2)", "precision": 20},
    {"expression": "x**2 - 4", "mode": "solve"},
    {"expression": "sin(x)", "mode": "derive", "wrt": "x", "order": 2},
    {"expression": "2 +* 3"},
    {"expression": 42},
]


@pytest.mark.parametrize("tool_input", SAME_AS_REAL, ids=[str(i) for i in SAME_AS_REAL])
def test_calculator_in_its_worker__gives_exactly_the_real_tools_result(serve_agent, http, tool_input):
    url = serve_agent(ScriptedModel([[ToolCall("calculator", tool_input)], ["ok"]]))
    expected = real_result(tool_input)

    events = list(
        sse_values(http.post(f"{url}/invocations", json={"prompt": "x", "stream": "events"}).text.split("\n"))
    )

    (result,) = [event for event in events if event["type"] == "tool_result"]
    assert (result["status"], result["content"]) == (expected["status"], expected["content"])


LIMITED = {
    "memory": ({"expression": "[0]*10**8"}, f"needs more than the calculator's {MEMORY_MB} MiB of memory"),
    "result size": ({"expression": "expand((x+1)**200)"}, "the calculator returns at most 10000"),
    "precision": ({"expression": "1/3", "precision": 1001}, "precision 1001 is above the calculator's maximum of 1000"),
    "precision as text": ({"expression": "1/3", "precision": "5000"}, "precision 5000 is above"),
    "order": (
        {"expression": "sin(x)", "mode": "derive", "order": 101},
        "order 101 is above the calculator's maximum of 100",
    ),
}


@pytest.mark.parametrize(("tool_input", "error"), LIMITED.values(), ids=LIMITED.keys())
def test_calculation_over_a_limit__is_a_tool_error_and_the_next_one_works(serve_agent, http, tool_input, error):
    model = ScriptedModel(
        [[ToolCall("calculator", tool_input)], ["sorry"], [ToolCall("calculator", {"expression": "6 * 7"})], ["42"]]
    )
    url = serve_agent(model, calculator_memory_mb=MEMORY_MB)

    first = list(sse_values(http.post(f"{url}/invocations", json={"prompt": "x", "stream": "events"}).text.split("\n")))
    second = list(
        sse_values(http.post(f"{url}/invocations", json={"prompt": "y", "stream": "events"}).text.split("\n"))
    )

    (refused,) = [event for event in first if event["type"] == "tool_result"]
    (answered,) = [event for event in second if event["type"] == "tool_result"]
    assert refused["status"] == "error"
    assert error in result_text(refused)
    assert result_text(answered) == "Result: 42"


def test_precision_at_its_maximum__is_calculated(serve_agent, http):
    url = serve_agent(ScriptedModel([[ToolCall("calculator", {"expression": "1/7", "precision": 1000})], ["ok"]]))

    events = list(
        sse_values(http.post(f"{url}/invocations", json={"prompt": "x", "stream": "events"}).text.split("\n"))
    )

    (result,) = [event for event in events if event["type"] == "tool_result"]
    assert result["status"] == "success"
    assert result_text(result).startswith("Result: 0.142857")
