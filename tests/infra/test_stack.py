"""The stack: its outputs, and the settings it is built from."""

import pytest

from infra.config import Settings, SettingsError
from infra.runtime.handler import properties as p
from tests.infra.conftest import REGION


def test_outputs__arn_id_region_and_invoke_command(template):
    outputs = template.find_outputs("*")

    assert set(outputs) == {"RuntimeArn", "RuntimeId", "Region", "InvokeCommand", "MemoryId"}
    assert outputs["Region"]["Value"] == REGION
    command = outputs["InvokeCommand"]["Value"]["Fn::Join"][1]
    assert command[0] == f".venv/bin/python -m client invoke --region {REGION} --arn "
    assert command[1]["Fn::GetAtt"][1] == p.ATTR_ARN
    assert command[2] == ' "Hello"'


def test_settings__context_wins_over_environment():
    context = {"runtimeName": "from_context"}

    class Node:
        def try_get_context(self, key):
            return context.get(key)

    settings = Settings.load(
        Node(), {"AGENTCORE_RUNTIME_NAME": "from_env", "MODEL_ID": "eu.x.y", "AWS_REGION": "eu-west-1"}
    )

    assert (settings.runtime_name, settings.model_id, settings.region) == ("from_context", "eu.x.y", "eu-west-1")


@pytest.mark.parametrize("name", ["agentcore-streaming", "1agent", "a" * 49])
def test_settings__invalid_runtime_name_fails_synth_with_the_fix(name):
    with pytest.raises(SettingsError, match=r"runtimeName=<name>.*AGENTCORE_RUNTIME_NAME=<name> make deploy"):
        Settings(runtime_name=name)
