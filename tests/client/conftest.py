"""Fixtures for the client: offline AWS settings for every test, and the agent behind a local AgentCore stand-in."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
from starlette.types import ASGIApp

from agent.server import create_app
from agent.settings import AgentSettings
from contract.deployment import STACK_NAME_ENV
from fakes.dataplane import RUNTIME_ARN, DataPlane
from fakes.live_server import free_port, serve
from fakes.scripted_model import ScriptedModel


@pytest.fixture(autouse=True)
def offline_aws(monkeypatch, tmp_path):
    """Dummy credentials, no profile files, no instance metadata, no login kept, one attempt per call, and a dead
    default endpoint.

    With ``AWS_ENDPOINT_URL`` pointing at a closed port on 127.0.0.1, a call that forgot its ``endpoint_url``
    fails fast instead of reaching AWS.
    """
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", STACK_NAME_ENV):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no login of this machine's user
    monkeypatch.delenv("AGENTCORE_BEARER_TOKEN", raising=False)


@pytest.fixture(autouse=True)
def quiet_agent_logs(monkeypatch):
    """Keep the SDK's request log off stderr, which CLI tests read as the program's diagnostics.

    ``BedrockAgentCoreApp`` gives its logger a ``StreamHandler`` on whatever ``sys.stderr`` was when the first
    app was built; with a handler already present it adds none, and the records go to pytest's log capture.
    """
    monkeypatch.setattr(logging.getLogger("bedrock_agentcore.app"), "handlers", [logging.NullHandler()])


@dataclass
class AgentCore:
    """The real agent app behind the stand-in: ``url`` is the endpoint to give boto3, ``agent_url`` the agent."""

    plane: DataPlane
    url: str
    agent_url: str
    arn: str = RUNTIME_ARN

    def target(self) -> list[str]:
        """CLI arguments that invoke this runtime through the stand-in."""
        return ["--arn", self.arn, "--endpoint-url", self.url]


StartAgentCore = Callable[..., AgentCore]


@pytest.fixture
def agentcore() -> Iterator[StartAgentCore]:
    """Start the agent with a scripted model (or any ASGI app) behind a stand-in for AgentCore's endpoints."""
    with ExitStack() as stack:

        def start(model: ScriptedModel | None = None, *, app: ASGIApp | None = None, **settings: object) -> AgentCore:
            agent_app = app if app is not None else create_app(model=model, settings=AgentSettings(**settings))
            agent_url = stack.enter_context(serve(agent_app))
            plane = DataPlane(agent_url)
            return AgentCore(plane=plane, url=stack.enter_context(serve(plane.app)), agent_url=agent_url)

        yield start
