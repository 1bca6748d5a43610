"""Fixtures for the client: offline AWS settings for every test, the agent behind a local AgentCore stand-in, and
the same as a deployment that signs users in (``auth=jwt``, the local provider's tokens checked by both)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import pytest
from starlette.types import ASGIApp

from agent.server import create_app
from agent.settings import AgentSettings, AuthSettings
from client.cli.commands import login as login_command
from contract.agentcore import ACTOR_HEADER
from contract.auth import (
    AUTHORIZATION_HEADER,
    OUTPUT_AUTH_CLIENT_ID,
    OUTPUT_AUTH_DISCOVERY_URL,
    login_redirect_uri,
)
from contract.deployment import DEFAULT_STACK_NAME, OUTPUT_REGION, OUTPUT_RUNTIME_ARN, STACK_NAME_ENV
from fakes.dataplane import RUNTIME_ARN, DataPlane, JwtAuthorizer
from fakes.live_server import free_port, serve
from fakes.oidc_provider import OidcProvider, User
from fakes.scripted_model import ScriptedModel, prompts_so_far
from tests.conftest import APP_CLIENT


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


@pytest.fixture
def login_ports(monkeypatch) -> tuple[int, int]:
    """Free ports for ``login`` to listen on instead of the fixed registered ones, which a test run may not own."""
    ports = (free_port(), free_port())
    monkeypatch.setattr(login_command, "LOGIN_PORTS", ports)
    return ports


@pytest.fixture
def deployment(agentcore, oidc, monkeypatch, login_ports) -> AgentCore:
    """The signed-in deployment; every AWS endpoint of the client is the stand-in's."""
    core = agentcore(ScriptedModel([prompts_so_far], repeat=True), auth=AuthSettings(oidc.discovery_url, (APP_CLIENT,)))
    core.plane.authorizer = JwtAuthorizer(oidc.discovery_url, (APP_CLIENT,))
    core.plane.header_allowlist = (ACTOR_HEADER, AUTHORIZATION_HEADER)
    core.plane.stacks[DEFAULT_STACK_NAME] = {
        OUTPUT_RUNTIME_ARN: core.arn,
        OUTPUT_REGION: "us-east-1",
        OUTPUT_AUTH_DISCOVERY_URL: oidc.discovery_url,
        OUTPUT_AUTH_CLIENT_ID: APP_CLIENT,
    }
    oidc.register(APP_CLIENT, *(login_redirect_uri(port) for port in login_ports))
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", core.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", core.url)
    return core


def no_aws_credentials(monkeypatch) -> None:
    """Nothing that could sign a request: a signed-in user needs none."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)


Browser = Callable[[str], bool]


def browser(oidc: OidcProvider, user: User, *, first: Callable[[str], None] | None = None) -> tuple[Browser, list]:
    """Stands in for ``webbrowser.open``: a browser in which ``user`` signs in, then follows the redirect.

    ``first`` is called with the redirect before the browser follows it (to send a forged one ahead of it). Returns
    the stand-in and the list of the redirects' answers, filled in as they come.
    """
    answers: list[httpx.Response] = []

    def open_(url: str) -> bool:
        def sign_in() -> None:
            with httpx.Client(timeout=10) as http:
                location = oidc.sign_in(http, url, user)
                if first is not None:
                    first(location)
                answers.append(http.get(location))

        threading.Thread(target=sign_in, daemon=True).start()
        return True

    return open_, answers
