"""``AgentCoreRuntime``: the runtime resource it writes, its execution role's trust, and what it refuses at synth."""

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template

from contract.deployment import DEFAULT_MODEL_ID
from infra.runtime import AgentCoreRuntime
from infra.runtime.construct import VpcPlacement
from infra.runtime.handler import properties as p
from tests.infra.conftest import ACCOUNT, REGION, build_app
from tests.infra.iam_templates import arn, policies

RUNTIME_NAME = "agentcore_streaming_agent"


def test_execution_role__trusts_agentcore_for_this_account_only(template):
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "bedrock-agentcore.amazonaws.com"},
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": ACCOUNT},
                            "ArnLike": {"aws:SourceArn": arn("bedrock-agentcore", "*")},
                        },
                    }
                ],
            }
        },
    )


@pytest.fixture
def stack_with_image(tmp_path):
    """A bare stack and an image asset for a runtime of its own."""
    (tmp_path / "image").mkdir()
    (tmp_path / "image" / "Dockerfile").write_text("FROM scratch\n")
    app = cdk.App(outdir=str(tmp_path / "out"), context={"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "Bare", env=cdk.Environment(account=ACCOUNT, region=REGION))
    return stack, ecr_assets.DockerImageAsset(stack, "Image", directory=str(tmp_path / "image"))


def test_runtime__tags_are_passed_and_the_handlers_keys_refused(stack_with_image):
    stack, image = stack_with_image

    AgentCoreRuntime(
        stack, "Tagged", runtime_name="tagged_agent", image=image, model_id=DEFAULT_MODEL_ID, tags={"team": "agents"}
    )
    with pytest.raises(ValueError, match=p.OWNER_STACK_TAG):
        AgentCoreRuntime(
            stack, "Forged", runtime_name="forged", image=image, model_id=DEFAULT_MODEL_ID, tags={p.OWNER_STACK_TAG: ""}
        )

    Template.from_stack(stack).has_resource_properties(
        p.RESOURCE_TYPE, {p.AGENT_RUNTIME_NAME: "tagged_agent", p.TAGS: {"team": "agents"}}
    )


def test_runtime__passes_create_agent_runtime_parameters(mode_template):
    _, template = mode_template
    template.has_resource_properties(
        p.RESOURCE_TYPE,
        {
            p.AGENT_RUNTIME_NAME: RUNTIME_NAME,
            p.AGENT_RUNTIME_ARTIFACT: {"containerConfiguration": {"containerUri": Match.any_value()}},
            p.ROLE_ARN: {"Fn::GetAtt": [Match.string_like_regexp("AgentRuntimeExecutionRole"), "Arn"]},
            p.NETWORK_CONFIGURATION: {"networkMode": "PUBLIC"},
            p.PROTOCOL_CONFIGURATION: {"serverProtocol": "HTTP"},
            p.ENVIRONMENT_VARIABLES: {"MODEL_ID": DEFAULT_MODEL_ID, "BEDROCK_REGION": REGION},
        },
    )
    runtime = next(iter(template.find_resources(p.RESOURCE_TYPE).values()))
    # The role and its policy exist before the service validates them.
    assert any(dep.startswith("AgentRuntimeExecutionRoleDefaultPolicy") for dep in runtime["DependsOn"])


def test_grant_invoke__allows_invoking_the_runtime_and_its_endpoints(tmp_path):
    _, probe_stack = build_app(str(tmp_path), bundle=False)
    caller = iam.Role(probe_stack, "Caller", assumed_by=iam.AccountRootPrincipal())

    probe_stack.runtime.grant_invoke(caller)

    statements = policies(Template.from_stack(probe_stack), "Caller")
    assert statements[0]["Action"] == "bedrock-agentcore:InvokeAgentRuntime"
    resources = json.dumps(statements[0]["Resource"])
    assert p.ATTR_ARN in resources and "/runtime-endpoint/*" in resources


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        (
            {"runtime_name": "has-hyphen"},
            "runtime name 'has-hyphen' is not accepted by AgentCore.*pass another runtime_name",
        ),
        ({"model_id": "usa.anthropic.claude-3"}, "model id 'usa.anthropic.claude-3' is neither.*pass another model_id"),
        ({"environment": {"MODEL_ID": "x"}}, r"environment must not set \['MODEL_ID'\]"),
        (
            {"environment": {"AUTH_DISCOVERY_URL": "https://idp.example/.well-known/openid-configuration"}},
            r"environment must not set \['AUTH_DISCOVERY_URL'\]: pass authorizer",
        ),
        ({"idle_session_timeout": cdk.Duration.seconds(30)}, "idleRuntimeSessionTimeout must be between 60 and 28800"),
        (
            {"idle_session_timeout": cdk.Duration.hours(2), "max_lifetime": cdk.Duration.hours(1)},
            "idle_session_timeout must not exceed max_lifetime",
        ),
        ({"vpc": VpcPlacement(subnet_ids=[], security_group_ids=["sg-1"])}, "subnets must name 1 to 16, got 0"),
        ({"warmup_path": "/warmup"}, r"warmup_path needs platform_version='V2'"),
        ({"platform_version": "V2", "warmup_path": "/ping"}, r"warmup_path '/ping' must be a path .*not /invocations"),
        ({"platform_version": "V2", "warmup_path": "warmup"}, r"warmup_path 'warmup' must be a path"),
    ],
    ids=[
        "runtime name",
        "model id",
        "reserved variable",
        "authorizer variable",
        "lifecycle bound",
        "idle over lifetime",
        "no subnet",
        "hook on V1",
        "hook on a served path",
        "hook path relative",
    ],
)
def test_runtime__refuses_at_synth_what_agentcore_would_with_what_to_pass(stack_with_image, settings, problem):
    stack, image = stack_with_image
    arguments = {"runtime_name": "probe", "image": image, "model_id": DEFAULT_MODEL_ID, **settings}

    with pytest.raises(ValueError, match=problem):
        AgentCoreRuntime(stack, "Probe", **arguments)


def test_runtime__reports_every_problem_at_once(stack_with_image):
    stack, image = stack_with_image

    with pytest.raises(ValueError) as refused:
        AgentCoreRuntime(stack, "Probe", runtime_name="has-hyphen", image=image, model_id="gpt-4")

    assert "pass another runtime_name" in str(refused.value)
    assert "pass another model_id" in str(refused.value)


def test_runtime__platform_v2_with_a_warmup_hook_posted_to_the_serving_port(stack_with_image):
    stack, image = stack_with_image

    AgentCoreRuntime(
        stack,
        "Warm",
        runtime_name="warm",
        image=image,
        model_id=DEFAULT_MODEL_ID,
        platform_version="V2",
        warmup_path="/warmup",
    )

    Template.from_stack(stack).has_resource_properties(
        p.RESOURCE_TYPE,
        {
            p.PLATFORM_VERSION: "V2",
            p.HOOKS_CONFIGURATION: {"build": {"warmup": {"action": {"httpPost": {"path": "/warmup", "port": 8080}}}}},
        },
    )


def test_add_endpoint__pinned_or_following_the_latest_version_after_the_runtime(stack_with_image):
    stack, image = stack_with_image
    runtime = AgentCoreRuntime(stack, "Runtime", runtime_name="versions", image=image, model_id=DEFAULT_MODEL_ID)

    runtime.add_endpoint("live", version="3")
    runtime.add_endpoint("canary")

    endpoints = Template.from_stack(stack).find_resources(p.ENDPOINT_RESOURCE_TYPE)
    by_name = {resource["Properties"][p.ENDPOINT_NAME]: resource for resource in endpoints.values()}
    (runtime_id,) = Template.from_stack(stack).find_resources(p.RESOURCE_TYPE)
    assert by_name["live"]["Properties"][p.AGENT_RUNTIME_VERSION] == "3"
    assert by_name["canary"]["Properties"][p.AGENT_RUNTIME_VERSION] == {"Fn::GetAtt": [runtime_id, p.ATTR_VERSION]}
    for endpoint in by_name.values():
        assert endpoint["Properties"][p.AGENT_RUNTIME_ID] == {"Ref": runtime_id}
        assert runtime_id in endpoint["DependsOn"]  # created after it, deleted before it


@pytest.mark.parametrize(
    ("name", "version", "problem"),
    [
        ("DEFAULT", None, "DEFAULT is AgentCore's own endpoint"),
        ("pre-prod", None, "endpoint name 'pre-prod' is not accepted.*pass another endpoint_name"),
        ("live", "v3", "version 'v3' is not a runtime version"),
    ],
)
def test_add_endpoint__refuses_what_agentcore_would(stack_with_image, name, version, problem):
    stack, image = stack_with_image
    runtime = AgentCoreRuntime(stack, "Runtime", runtime_name="versions", image=image, model_id=DEFAULT_MODEL_ID)

    with pytest.raises(ValueError, match=problem):
        runtime.add_endpoint(name, version=version)
