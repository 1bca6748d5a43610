"""The answer streams as SSE, each ``data:`` line one JSON value, and arrives as the model writes it."""

from __future__ import annotations

import time

import httpx

from contract.agentcore import SESSION_HEADER
from fakes.scripted_model import Fail, ScriptedModel
from fakes.sse import timed_values
from tests.agent.helpers import SESSION_A, stream_values

TRICKY_DELTAS = ['She said "hi"', " \\ back\\slash", "\nnew line\n", " naïve café ☕ 日本語", " \t tab", "\u2028end"]


def test_text_stream__reassembles_quotes_backslashes_newlines_and_non_ascii_exactly(serve_agent, http):
    url = serve_agent(ScriptedModel([TRICKY_DELTAS]))

    values = stream_values(http, url, {"prompt": "say something tricky"})

    assert values == TRICKY_DELTAS
    assert "".join(values) == "".join(TRICKY_DELTAS)


def test_text_stream__is_served_as_text_event_stream_with_one_json_string_per_data_line(serve_agent, http):
    url = serve_agent(ScriptedModel([["a", "b"]]))

    response = http.post(f"{url}/invocations", json={"prompt": "hi"})

    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.text == 'data: "a"\n\ndata: "b"\n\n'


def test_text_stream__first_chunk_arrives_long_before_the_last(serve_agent):
    deltas = [f"chunk{i} " for i in range(6)]
    model = ScriptedModel([deltas], delay=0.25)
    url = serve_agent(model)

    request = {"json": {"prompt": "slowly"}}
    with httpx.Client(timeout=30) as client, client.stream("POST", f"{url}/invocations", **request) as response:
        arrivals = list(timed_values(response.iter_lines()))

    values = [value for _, value in arrivals]
    first_at, last_at = arrivals[0][0], arrivals[-1][0]
    assert values == deltas
    assert first_at < model.emitted_at[1], "the first chunk waited for the model's second one"
    assert last_at - first_at > 1.0, "chunks arrived together: something buffered the stream"
    lags = [arrived - emitted for (arrived, _), emitted in zip(arrivals, model.emitted_at, strict=True)]
    assert max(lags) < 0.2, f"a chunk waited {max(lags):.3f}s between the model and the client"


def test_stream__model_failure_after_streaming_began_ends_with_one_error_event(serve_agent, http):
    url = serve_agent(ScriptedModel([["partial answer", Fail(RuntimeError("model connection reset"))]]))

    values = stream_values(http, url, {"prompt": "fail midway"})

    assert values[0] == "partial answer"
    assert values[-1]["type"] == "stream_error"
    assert "model connection reset" in values[-1]["error"]
    assert len(values) == 2


def test_stream__server_keeps_serving_after_a_failed_stream(serve_agent, http):
    url = serve_agent(ScriptedModel([["x", Fail(RuntimeError("boom"))], ["fine"]]))

    stream_values(http, url, {"prompt": "fail"})

    assert stream_values(http, url, {"prompt": "again"}) == ["fine"]


def test_ping__stays_healthy_and_fast_during_a_long_stream(serve_agent):
    url = serve_agent(ScriptedModel([[f"{i} " for i in range(10)]], delay=0.2))

    with (
        httpx.Client(timeout=30) as streamer,
        httpx.Client(timeout=5) as pinger,
        streamer.stream(
            "POST", f"{url}/invocations", json={"prompt": "long"}, headers={SESSION_HEADER: SESSION_A}
        ) as response,
    ):
        lines = response.iter_lines()
        next(lines)  # the stream is under way
        started = time.perf_counter()
        ping = pinger.get(f"{url}/ping")
        ping_seconds = time.perf_counter() - started
        rest = list(lines)

    assert ping.status_code == 200
    assert ping.json()["status"] in {"Healthy", "HealthyBusy"}
    assert ping_seconds < 0.5
    assert rest, "the stream went on after the ping"
