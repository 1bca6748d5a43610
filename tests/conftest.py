"""Fixtures shared by every test: the real agent app, served on 127.0.0.1 with a scripted model."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import httpx
import pytest

from agent.observability import invocation_log
from agent.server import create_app
from agent.settings import AgentSettings
from fakes.live_server import serve
from fakes.memory_plane import MemoryPlane
from fakes.oidc_provider import OidcProvider
from fakes.scripted_model import ScriptedModel
from infra.jsii_node import quiet_node_warnings

os.environ.setdefault("AWS_REGION", "us-east-1")
quiet_node_warnings()  # before any test imports aws_cdk, as the CDK app does

ServeAgent = Callable[..., str]


@pytest.fixture
def serve_agent() -> Iterator[ServeAgent]:
    """Start the real ``create_app(model=...)`` over HTTP; returns its base URL. Stops at the end of the test."""
    with ExitStack() as stack:

        def start(model: ScriptedModel, **settings: object) -> str:
            app = create_app(model=model, settings=AgentSettings(**settings))
            return stack.enter_context(serve(app))

        yield start


@pytest.fixture(autouse=True)
def agent_records(monkeypatch) -> list[str]:
    """The invocation records the in-process agent prints, kept here instead of on stdout.

    CLI tests read stdout as the answer, and a record printed after its test has ended would land in pytest's own
    output. ``tests/agent/test_invocation_log.py`` checks that ``emit`` itself writes to stdout.
    """
    lines: list[str] = []
    monkeypatch.setattr(invocation_log, "emit", lines.append)
    return lines


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """A plain HTTP client with a timeout that turns a hung stream into a failure, not a hung suite."""
    with httpx.Client(timeout=httpx.Timeout(30.0)) as client:
        yield client


@pytest.fixture
def memory_plane(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryPlane]:
    """A local AgentCore Memory data plane that every ``bedrock-agentcore`` boto3 client made in the test talks to."""
    plane = MemoryPlane()
    with serve(plane.app) as plane.url:
        monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", plane.url)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
        yield plane
    assert not plane.problems, f"requests the service would refuse: {plane.problems}"


APP_CLIENT = "agent-app-client"
"""The app client of the provider the tests sign users in to, as the stack's Cognito app client."""


@pytest.fixture
def oidc() -> Iterator[OidcProvider]:
    """A local OpenID Connect provider on 127.0.0.1 with the app client and two users, ``alice`` and ``bob``."""
    provider = OidcProvider()
    provider.register(APP_CLIENT)
    provider.add_user("alice")
    provider.add_user("bob")
    with serve(provider.app) as provider.url:
        yield provider
