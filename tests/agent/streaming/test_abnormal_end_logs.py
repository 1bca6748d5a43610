"""An abnormal stream end logs what happened, and no OpenTelemetry "Failed to detach context" tracebacks.

Strands attaches OpenTelemetry contexts inside its nested async generators (with or without an SDK configured). A
generator closed from outside while suspended at a ``yield`` leaves the generators inside it to asyncio's finalizer,
which closes them later in a new task, whose context is not the one the tokens were attached in: every hang-up used
to log ERROR tracebacks. The agent now stops through Strands' own cancellation and unwinds in the task that ran it.
"""

from __future__ import annotations

import logging
import time

import httpx
import pytest

from contract.agentcore import SESSION_HEADER
from fakes.scripted_model import Fail, Pause, ScriptedModel
from fakes.tireless_model import TirelessModel
from tests.agent.helpers import SESSION_A, stream_values


def hang_up_after_first_chunk(url: str) -> None:
    with (
        httpx.Client(timeout=30) as client,
        client.stream("POST", f"{url}/invocations", json={"prompt": "go"}, headers={SESSION_HEADER: SESSION_A}) as r,
    ):
        next(r.iter_lines())


def wait_for_turn_end(url: str) -> None:
    """Wait until the session takes a turn again (the interrupted one has been settled), and hang up on that one."""
    with httpx.Client(timeout=5) as client:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            request = {"json": {"prompt": "x"}, "headers": {SESSION_HEADER: SESSION_A}}
            with client.stream("POST", f"{url}/invocations", **request) as answer:
                if answer.status_code != 409:
                    return
            time.sleep(0.01)


def detach_errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("opentelemetry") and r.levelno >= logging.ERROR]


@pytest.mark.parametrize("pace", [0.0, 0.01], ids=["back-to-back", "paced"])
def test_hang_up__logs_no_opentelemetry_detach_errors(serve_agent, tmp_path, caplog, pace):
    url = serve_agent(TirelessModel(tmp_path / "stops", pace=pace))

    with caplog.at_level(logging.INFO):
        hang_up_after_first_chunk(url)
        wait_for_turn_end(url)

    assert detach_errors(caplog) == []
    assert any("outcome=<client hung up>" in r.getMessage() for r in caplog.records)


def test_hang_up_while_the_model_is_silent__logs_no_opentelemetry_detach_errors(serve_agent, caplog):
    url = serve_agent(ScriptedModel([["first", Pause(5), "never"], ["next"]]))

    with caplog.at_level(logging.INFO):
        hang_up_after_first_chunk(url)
        wait_for_turn_end(url)

    assert detach_errors(caplog) == []


def test_model_failure__logs_the_failure_once_and_no_opentelemetry_detach_errors(serve_agent, http, caplog):
    url = serve_agent(ScriptedModel([["partial", Fail(RuntimeError("model connection reset"))], ["next"]]))

    with caplog.at_level(logging.INFO):
        stream_values(http, url, {"prompt": "fail"}, session=SESSION_A)
        wait_for_turn_end(url)  # the turn is settled just after its last byte is sent

    assert detach_errors(caplog) == []
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in failures] == ["stream failed after it began"]
    assert any("outcome=<agent failed>" in r.getMessage() for r in caplog.records)
