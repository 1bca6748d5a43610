"""The agent as a deployment that signs users in: the real app over HTTP, taking tokens of the local provider."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from agent.settings import AuthSettings
from contract.agentcore import SESSION_HEADER
from contract.auth import AUTHORIZATION_HEADER
from fakes.scripted_model import ScriptedModel, prompts_so_far
from tests.conftest import APP_CLIENT

SignedIn = Callable[..., str]


@pytest.fixture
def signed_in(serve_agent, oidc) -> SignedIn:
    """Serve the agent taking the provider's tokens for ``APP_CLIENT`` (or the audiences given); returns its URL.

    Its model answers with every prompt of the conversation so far, so a reply shows whose history it continued.
    """

    def start(
        *, clients: tuple[str, ...] = (APP_CLIENT,), audiences: tuple[str, ...] = (), model=None, **settings
    ) -> str:
        auth = AuthSettings(oidc.discovery_url, clients, audiences)
        return serve_agent(model or ScriptedModel([prompts_so_far], repeat=True), auth=auth, **settings)

    return start


def ask(
    http: httpx.Client, url: str, token: str | None, prompt: str = "Hello", session: str | None = None, **headers: str
) -> httpx.Response:
    """``POST /invocations`` with ``Authorization: Bearer <token>`` (none when ``token`` is None)."""
    sent = {**({AUTHORIZATION_HEADER: f"Bearer {token}"} if token is not None else {}), **headers}
    if session:
        sent[SESSION_HEADER] = session
    return http.post(f"{url}/invocations", json={"prompt": prompt}, headers=sent)
