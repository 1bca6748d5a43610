"""An invocation is sent again only when it certainly never reached the agent: a prompt must never run twice.

Each case runs real boto3 against the AgentCore stand-in (or a socket standing in for a dropped connection) and
counts what arrived where: requests at the stand-in, turns at the model.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from contextlib import ExitStack
from types import SimpleNamespace

import pytest

import client.invocation.retry
from client import EndpointUnreachableError, InvocationError, Runtime, ThrottledError
from fakes.dataplane import RUNTIME_ARN, DataPlane, Reject, Stall
from fakes.live_server import free_port, serve
from fakes.scripted_model import ScriptedModel


@pytest.fixture(autouse=True)
def three_attempts(monkeypatch):
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    monkeypatch.setattr(client.invocation.retry, "BACKOFF_BASE_SECONDS", 0.01)


def turns(model: ScriptedModel) -> int:
    return len(model.calls)


def test_throttled_invocation__is_retried_and_the_prompt_reaches_the_agent_once(agentcore):
    model = ScriptedModel([["answered once"]])
    core = agentcore(model)
    core.plane.script.append(Reject("ThrottlingException", 429, "Rate exceeded"))

    values = list(Runtime(core.arn, endpoint_url=core.url).invoke("hi"))

    assert values == ["answered once"]
    assert len(core.plane.requests) == 2
    assert turns(model) == 1


def test_throttled_invocation__each_retry_is_logged_with_its_attempt_error_and_pause(agentcore, caplog):
    core = agentcore(ScriptedModel([["answered once"]]))
    core.plane.script.append(Reject("ThrottlingException", 429, "Rate exceeded"))

    with caplog.at_level(logging.INFO, logger=client.invocation.retry.__name__):
        list(Runtime(core.arn, endpoint_url=core.url).invoke("hi"))

    [retried] = [record.getMessage() for record in caplog.records if record.name == client.invocation.retry.__name__]
    assert re.fullmatch(
        r"attempt=<1>, error=<.*ThrottlingException.*Rate exceeded.*>, pause_s=<\d+\.\d\d> "
        r"\| invocation not delivered, retrying",
        retried,
    ), retried


def test_throttling_that_persists__ends_after_the_configured_attempts(agentcore):
    core = agentcore(ScriptedModel([["never"]]))
    core.plane.script.extend([Reject("ThrottlingException", 429, "Rate exceeded")] * 3)

    with pytest.raises(ThrottledError):
        Runtime(core.arn, endpoint_url=core.url).invoke("hi")

    assert len(core.plane.requests) == 3


def test_refused_connection__is_retried_and_reaches_the_stand_in_once_it_listens(serve_agent, monkeypatch):
    model = ScriptedModel([["after the endpoint came up"]])
    port = free_port()
    plane = DataPlane(serve_agent(model))
    failures: list[float] = []
    with ExitStack() as stack:

        def bring_up_the_endpoint(pause: float) -> None:
            failures.append(pause)
            if len(failures) == 1:
                stack.enter_context(serve(plane.app, port=port))

        monkeypatch.setattr(client.invocation.retry, "time", SimpleNamespace(sleep=bring_up_the_endpoint))
        values = list(Runtime(RUNTIME_ARN, endpoint_url=f"http://127.0.0.1:{port}").invoke("hi"))

    assert values == ["after the endpoint came up"]
    assert len(failures) == 1, "one refused connection, then the request went through"
    assert len(plane.requests) == 1
    assert turns(model) == 1


@pytest.mark.parametrize(
    ("code", "status"),
    [("InternalServerException", 500), ("ServiceUnavailableException", 503), ("RuntimeClientError", 424)],
)
def test_server_error__is_never_resent_because_the_agent_may_have_started(agentcore, code, status):
    core = agentcore(ScriptedModel([["must not run"]]))
    core.plane.script.append(Reject(code, status, "something failed"))

    with pytest.raises(InvocationError) as raised:
        Runtime(core.arn, endpoint_url=core.url).invoke("hi")

    assert raised.value.code == code
    assert len(core.plane.requests) == 1


def test_read_timeout_before_the_answer__is_never_resent_and_the_agent_runs_the_turn_once(agentcore):
    model = ScriptedModel([["the agent got it anyway"]])
    core = agentcore(model)
    core.plane.script.append(Stall(seconds=1.5))

    with pytest.raises(EndpointUnreachableError, match="read timeout"):
        Runtime(core.arn, endpoint_url=core.url, read_timeout=0.5).invoke("hi")

    deadline = time.monotonic() + 10  # the stalled request is forwarded after all, as a real one could be
    while not turns(model) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(core.plane.requests) == 1
    assert turns(model) == 1


def test_connection_dropped_after_the_request_was_sent__is_never_resent():
    received: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def read_the_request_then_hang_up() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                received.append(connection.recv(65536))

    threading.Thread(target=read_the_request_then_hang_up, daemon=True).start()
    try:
        with pytest.raises(EndpointUnreachableError, match="connection failed"):
            Runtime(RUNTIME_ARN, endpoint_url=f"http://127.0.0.1:{port}").invoke("hi")
    finally:
        listener.close()

    assert len(received) == 1
    assert b"InvokeAgentRuntime" in received[0] or b"/invocations" in received[0]


def test_safe_to_resend__only_throttling_and_connections_that_never_opened():
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
    )

    def service(code: str, status: int) -> ClientError:
        return ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Invoke")

    url = "http://127.0.0.1:1"
    safe = [
        service("ThrottlingException", 429),
        EndpointConnectionError(endpoint_url=url),
        ConnectTimeoutError(endpoint_url=url),
    ]
    unsafe = [
        service("InternalServerException", 500),
        service("ServiceUnavailableException", 503),
        service("RuntimeClientError", 424),
        service("ValidationException", 400),
        ReadTimeoutError(endpoint_url=url),
        ConnectionClosedError(endpoint_url=url),
    ]

    assert all(client.invocation.retry.never_reached_the_agent(error) for error in safe)
    assert not any(client.invocation.retry.never_reached_the_agent(error) for error in unsafe)
