"""The stack's outputs: what `python -m client` finds the runtime by."""

from infra.runtime.handler import properties as p
from tests.infra.conftest import REGION


def test_outputs__arn_id_region_and_invoke_command(template):
    outputs = template.find_outputs("*")

    assert set(outputs) == {
        "RuntimeArn",
        "RuntimeId",
        "Region",
        "InvokeCommand",
        "MemoryId",
        "DashboardUrl",
        "AlarmTopicArn",
    }
    assert outputs["Region"]["Value"] == REGION
    command = outputs["InvokeCommand"]["Value"]["Fn::Join"][1]
    assert command[0] == f".venv/bin/python -m client invoke --region {REGION} --arn "
    assert command[1]["Fn::GetAtt"][1] == p.ATTR_ARN
    assert command[2] == ' "Hello"'
