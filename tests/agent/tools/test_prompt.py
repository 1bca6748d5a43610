"""The model is given the agent's own system prompt, or the one the deployment chose."""

from __future__ import annotations

import pytest

from agent.tools.prompt import DEFAULT_SYSTEM_PROMPT
from tests.agent.helpers import RecordingModel, stream_values


@pytest.mark.parametrize(
    ("chosen", "given"), [(None, DEFAULT_SYSTEM_PROMPT), ("Be brief.", "Be brief.")], ids=["own", "chosen"]
)
def test_system_prompt__is_the_deployments_choice_or_else_the_agents_own(serve_agent, http, chosen, given):
    model = RecordingModel([["hello"]])
    url = serve_agent(model, system_prompt=chosen)

    stream_values(http, url, {"prompt": "hi"})

    assert model.system_prompts == [given]
