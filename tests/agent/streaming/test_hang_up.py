"""A client that hangs up stops the model within 100 ms, whatever its pace, and frees the session at once.

The server runs in its own process, as in production, so the measurement includes the operating system noticing
the closed socket and nothing in the test process can lend the server's event loop a pause it would not have had.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.agent.helpers import SESSION_A, port_of, raw_invocation, served_in_own_process

STOP_BAR_SECONDS = 0.1

SERVE_TIRELESS = """
import sys
from pathlib import Path
from agent.settings import AgentSettings
from agent.server import create_app
from fakes.live_server import serve
from fakes.tireless_model import TirelessModel

model = TirelessModel(Path(sys.argv[1]), pace=float(sys.argv[2]))
with serve(create_app(model=model, settings=AgentSettings())) as url:
    print(url, flush=True)
    sys.stdin.read()
"""


def status_of(port: int, session: str) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(raw_invocation(session, "next"))
        return int(sock.recv(64).split(b" ", 2)[1])


def stops(record: Path) -> list[tuple[float, int]]:
    if not record.exists():
        return []
    return [(float(at), int(deltas)) for at, deltas in (line.split() for line in record.read_text().splitlines())]


@pytest.mark.parametrize("pace", [0.0, 0.0001, 0.02, 2.0], ids=["back-to-back", "0.1ms", "20ms", "silent"])
def test_hang_up__stops_the_model_within_100ms_and_the_session_takes_its_next_turn(tmp_path, pace):
    record = tmp_path / "stops"
    with served_in_own_process(SERVE_TIRELESS, str(record), str(pace), LOG_LEVEL="WARNING") as url:
        port = port_of(url)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(raw_invocation(SESSION_A, "talk"))
            first = sock.recv(65536)  # the response has begun (headers, and text unless the model is silent)
            if pace < 1:
                while b"data:" not in first:
                    first += sock.recv(65536)
            time.sleep(0.2)  # mid-answer: the model is well into its stream
        hung_up_at = time.monotonic()

        deadline = hung_up_at + 5
        while not stops(record) and time.monotonic() < deadline:
            time.sleep(0.005)
        statuses = []
        while time.monotonic() < hung_up_at + STOP_BAR_SECONDS and 200 not in statuses:
            statuses.append(status_of(port, SESSION_A))

    [(stopped_at, deltas)] = stops(record)[:1]
    assert stopped_at - hung_up_at < STOP_BAR_SECONDS, f"the model ran {stopped_at - hung_up_at:.3f}s past the hang-up"
    assert 200 in statuses, f"the session still refused its next turn 100 ms after the hang-up: {statuses}"
    if pace == 0.0:
        assert deltas < 1_000_000, "the model ran far beyond the hang-up"
