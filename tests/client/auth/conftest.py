"""A deployment that signs users in, offline: the agent (taking the local provider's tokens) behind the AgentCore
stand-in, whose runtime has a JWT authorizer and ``Authorization`` in its header allowlist, and a stack whose outputs
name the provider, as ``auth=jwt`` deploys it."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest

from agent.settings import AuthSettings
from client.cli.commands import login as login_command
from contract.agentcore import ACTOR_HEADER
from contract.auth import (
    AUTHORIZATION_HEADER,
    OUTPUT_AUTH_CLIENT_ID,
    OUTPUT_AUTH_DISCOVERY_URL,
    login_redirect_uri,
)
from contract.deployment import DEFAULT_STACK_NAME, OUTPUT_REGION, OUTPUT_RUNTIME_ARN
from fakes.dataplane import JwtAuthorizer
from fakes.live_server import free_port
from fakes.oidc_provider import OidcProvider, User
from fakes.scripted_model import ScriptedModel, prompts_so_far
from tests.client.conftest import AgentCore
from tests.conftest import APP_CLIENT


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
