"""The two ways the library reaches the agent, as one fixture: what holds for both is written once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from client import LocalAgent, Runtime
from fakes.dataplane import RUNTIME_ARN
from fakes.scripted_model import ScriptedModel

Agent = Runtime | LocalAgent


@dataclass(frozen=True)
class Transport:
    """How the client reaches an agent: ``start`` serves one with a scripted model, ``nothing_at`` names a dead URL."""

    name: str
    start: Callable[..., Agent]
    nothing_at: Callable[[str], Agent]


@pytest.fixture(params=["agentcore", "local"])
def transport(request, agentcore, serve_agent) -> Transport:
    """Through AgentCore (``Runtime``: real boto3 against the stand-in), or straight to the agent (``LocalAgent``)."""
    if request.param == "agentcore":

        def through_agentcore(model: ScriptedModel, **settings: object) -> Agent:
            core = agentcore(model, **settings)
            return Runtime(core.arn, endpoint_url=core.url)

        return Transport("agentcore", through_agentcore, lambda url: Runtime(RUNTIME_ARN, endpoint_url=url))

    def directly(model: ScriptedModel, **settings: object) -> Agent:
        return LocalAgent(serve_agent(model, **settings))

    return Transport("local", directly, LocalAgent)
