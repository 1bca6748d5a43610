"""The production model's stream to Amazon Bedrock ends with the turn: a client that hangs up stops the generation.

The agent is built as production builds it (``create_app`` with no model: Strands' ``BedrockModel`` through
``agent.server.bedrock_model``), its boto3 pointed at a local ``ConverseStream`` stand-in (``fakes.bedrock_stream``)
that writes a delta every ``PACE`` seconds and records when its reader closed the connection.
"""

from __future__ import annotations

import socket
import time

import pytest

from agent.server import create_app
from agent.settings import AgentSettings
from fakes.bedrock_stream import BedrockStream
from fakes.live_server import serve
from tests.agent.helpers import SESSION_A, port_of, raw_invocation, stream_values

PACE = 0.25
"""Seconds between two deltas: long enough that the turn is torn down well before the next one arrives."""
BAR_SECONDS = PACE + 1.0
"""The response must be closed by then: at the next event, with room for a loaded machine."""


@pytest.fixture
def bedrock(monkeypatch):
    """Start a stand-in for Bedrock with ``deltas`` deltas ``pace`` apart; every Bedrock client made calls it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    started = []

    def start(deltas: int, pace: float) -> BedrockStream:
        stand_in = BedrockStream(deltas=deltas, pace=pace)
        context = serve(stand_in)
        monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", context.__enter__())
        started.append(context)
        return stand_in

    yield start
    for context in started:
        context.__exit__(None, None, None)


def test_whole_answer__reaches_the_client_and_bedrock_finishes_it(bedrock, http):
    stand_in = bedrock(deltas=5, pace=0.0)

    with serve(create_app(settings=AgentSettings(region="us-east-1"))) as url:
        values = stream_values(http, url, {"prompt": "hello"}, session=SESSION_A)

    (generation,) = stand_in.generations
    assert "".join(values) == "xxxxx"
    assert (generation.finished, generation.closed_by_reader_at) == (True, None)


def test_hang_up__closes_the_response_to_bedrock_at_its_next_event(bedrock):
    stand_in = bedrock(deltas=40, pace=PACE)

    with serve(create_app(settings=AgentSettings(region="us-east-1"))) as url:
        with socket.create_connection(("127.0.0.1", port_of(url)), timeout=10) as sock:
            sock.sendall(raw_invocation(SESSION_A, "talk"))
            received = b""
            while b"data:" not in received:  # the answer has begun: Bedrock is generating it
                received += sock.recv(65536)
        hung_up_at = time.monotonic()
        (generation,) = stand_in.generations
        written_at_hang_up = generation.deltas_written
        while generation.closed_by_reader_at is None and not generation.finished:
            if time.monotonic() > hung_up_at + BAR_SECONDS:
                break
            time.sleep(0.01)

    assert not generation.finished, "the agent read Bedrock's answer to its end after the client had gone"
    assert generation.closed_by_reader_at is not None
    assert generation.closed_by_reader_at - hung_up_at < BAR_SECONDS
    assert generation.deltas_written - written_at_hang_up <= 2  # at most the event in flight, and the next
