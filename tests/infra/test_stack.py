"""The stack's outputs, what `python -m client` finds the runtime by, and what the production settings make of it."""

from aws_cdk.assertions import Template

from contract.deployment import OUTPUT_ENDPOINTS, WARMUP_PATH
from infra.runtime.handler import properties as p
from tests.infra.conftest import REGION, build_app


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


def test_endpoints__each_named_endpoint_is_a_resource_and_the_setting_an_output(tmp_path):
    _, stack = build_app(str(tmp_path), bundle=False, endpoints={"live": "3", "canary": "latest"})
    template = Template.from_stack(stack)

    endpoints = template.find_resources(p.ENDPOINT_RESOURCE_TYPE).values()
    (runtime_id,) = template.find_resources(p.RESOURCE_TYPE)
    versions = {e["Properties"][p.ENDPOINT_NAME]: e["Properties"][p.AGENT_RUNTIME_VERSION] for e in endpoints}
    assert versions == {"live": "3", "canary": {"Fn::GetAtt": [runtime_id, p.ATTR_VERSION]}}
    assert template.find_outputs(OUTPUT_ENDPOINTS)[OUTPUT_ENDPOINTS]["Value"] == "live:3,canary:latest"


def test_defaults__no_named_endpoint_no_lifecycle_and_the_platform_agentcore_picks(template):
    (runtime,) = template.find_resources(p.RESOURCE_TYPE).values()

    assert template.find_resources(p.ENDPOINT_RESOURCE_TYPE) == {}
    for absent in (p.LIFECYCLE_CONFIGURATION, p.PLATFORM_VERSION, p.HOOKS_CONFIGURATION):
        assert absent not in runtime["Properties"]


def test_sessions__lifecycle_settings_are_the_runtimes_lifecycle_configuration(tmp_path):
    _, stack = build_app(str(tmp_path), bundle=False, idle_session_timeout=600, max_session_lifetime=3600)

    Template.from_stack(stack).has_resource_properties(
        p.RESOURCE_TYPE, {p.LIFECYCLE_CONFIGURATION: {"idleRuntimeSessionTimeout": 600, "maxLifetime": 3600}}
    )


def test_platform_v2__comes_with_the_agents_warmup_hook(tmp_path):
    _, stack = build_app(str(tmp_path), bundle=False, platform_version="V2")

    Template.from_stack(stack).has_resource_properties(
        p.RESOURCE_TYPE,
        {
            p.PLATFORM_VERSION: "V2",
            p.HOOKS_CONFIGURATION: {"build": {"warmup": {"action": {"httpPost": {"path": WARMUP_PATH, "port": 8080}}}}},
        },
    )


def test_platform_v1__is_passed_without_a_hook(tmp_path):
    _, stack = build_app(str(tmp_path), bundle=False, platform_version="V1")
    (runtime,) = Template.from_stack(stack).find_resources(p.RESOURCE_TYPE).values()

    assert runtime["Properties"][p.PLATFORM_VERSION] == "V1"
    assert p.HOOKS_CONFIGURATION not in runtime["Properties"]
