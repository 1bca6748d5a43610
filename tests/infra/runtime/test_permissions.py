"""The runtime's IAM: every statement of the synthesized stack is an entry of the permission lists, each as narrow as
IAM allows, held against the Service Authorization Reference rather than against action lists restated here."""

from __future__ import annotations

import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match

from contract.deployment import DEFAULT_MODEL_ID
from fakes.iam import resolve
from infra.function_log_groups import FUNCTION_LOGGING
from infra.model_id import ModelId
from infra.permission import Permission, grant
from infra.runtime import permissions
from infra.runtime.arns import Arns
from infra.runtime.handler import properties as p
from infra.runtime.permissions import RuntimeResources
from infra.runtime.provider import RuntimeProvider
from tests.infra.conftest import ACCOUNT, REGION
from tests.infra.iam_templates import (
    arn,
    as_list,
    by_sid,
    default_policy,
    grants,
    named,
    policies,
    rendered,
)
from tests.infra.service_reference import resource_types

RUNTIME_NAME = "agentcore_streaming_agent"
BASE_MODEL = DEFAULT_MODEL_ID.removeprefix("us.")
ON_EVENT_ROLE = "AgentCoreRuntimeProviderOnEventRole"
IS_COMPLETE_ROLE = "AgentCoreRuntimeProviderIsCompleteRole"
STAR_UNDER_A_CONDITION = {"cloudwatch:PutMetricData": "cloudwatch:namespace"}
"""Actions the Reference gives a resource type, granted on ``*`` as the AWS guide does, under this condition key."""


@pytest.fixture(params=["synthesized", "synthesized_local"], ids=["remote", "local"])
def built(request):
    """``(stack, template)`` for each image build mode: what must hold in both."""
    from aws_cdk.assertions import Template

    stack, _, _ = request.getfixturevalue(request.param)
    return stack, Template.from_stack(stack)


def execution_role_resources(stack) -> RuntimeResources:
    """What the stack grants the execution role on, from the stack's own constructs."""
    return RuntimeResources(
        Arns(stack),
        runtime_name=stack.runtime.runtime_name,
        image_repository_arn=stack.node.find_child("AgentImage").repository.repository_arn,
        model=ModelId.parse(DEFAULT_MODEL_ID),
        memory_arn=stack.memory.memory_arn,
    )


# ---- every statement is an entry of a list ------------------------------------------------------------------------


def test_execution_role__grants_exactly_the_entries_of_its_lists(built):
    stack, template = built
    on = execution_role_resources(stack)
    statements = policies(template, "AgentRuntimeExecutionRole")

    assert grants(statements) == grants(rendered(stack, permissions.EXECUTION_ROLE + permissions.AGENT, on))
    assert {s["Sid"] for s in statements if "Sid" in s} == named(permissions.EXECUTION_ROLE + permissions.AGENT, on)


@pytest.mark.parametrize(
    ("role", "for_the_stack", "for_each_runtime"),
    [
        (ON_EVENT_ROLE, permissions.ON_EVENT, permissions.ON_EVENT_PER_RUNTIME),
        (IS_COMPLETE_ROLE, permissions.IS_COMPLETE, permissions.IS_COMPLETE_PER_RUNTIME),
    ],
    ids=["on_event", "is_complete"],
)
def test_handler_role__grants_exactly_the_entries_of_its_lists(
    synthesized, template, role, for_the_stack, for_each_runtime
):
    stack, _, _ = synthesized
    of_the_stack = RuntimeResources(Arns(stack))
    of_the_runtime = RuntimeResources(
        Arns(stack), runtime_name=RUNTIME_NAME, execution_role_arn=stack.runtime.role.role_arn
    )
    expected = rendered(stack, for_the_stack, of_the_stack) + rendered(stack, for_each_runtime, of_the_runtime)
    statements = default_policy(template, role)

    assert grants(statements) == grants(expected)
    assert {s["Sid"] for s in statements if "Sid" in s} == named(for_the_stack, of_the_stack) | named(
        for_each_runtime, of_the_runtime
    )


def test_handler_and_framework_roles__log_to_their_own_groups_only(synthesized, template):
    stack, _, _ = synthesized
    provider = RuntimeProvider.of(stack)
    framework_logs = provider.node.find_child("FrameworkLogs")
    logging = grants(rendered(stack, [FUNCTION_LOGGING], framework_logs))

    for role in ("AgentCoreRuntimeProviderFrameworkOnEventRole", "AgentCoreRuntimeProviderFrameworkCompleteRole"):
        assert logging <= grants(default_policy(template, role))
    for role in (ON_EVENT_ROLE, IS_COMPLETE_ROLE):
        writes = [s for s in policies(template, role) if "logs:PutLogEvents" in as_list(s["Action"])]
        assert [as_list(s["Action"]) for s in writes] == [list(FUNCTION_LOGGING.actions)]


def test_waiter_role__has_the_log_delivery_entry_and_no_log_writes_on_star(synthesized, template):
    stack, _, _ = synthesized
    statements = policies(template, "AgentCoreRuntimeProviderwaiterstatemachineRole")
    on_star = {action for s in statements if s["Resource"] == "*" for action in as_list(s["Action"])}

    assert grants(rendered(stack, [permissions.WAITER_LOG_DELIVERY], None)) <= grants(statements)
    assert on_star == set(permissions.WAITER_LOG_DELIVERY.actions)
    assert {"logs:CreateLogStream", "logs:PutLogEvents"}.isdisjoint(on_star)


# ---- each as narrow as IAM allows ---------------------------------------------------------------------------------


def test_every_policy__grants_star_only_for_actions_the_reference_authorizes_on_star_only(mode_template):
    _, template = mode_template
    offenders = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if "*" not in as_list(statement["Resource"]):
                continue
            for action in as_list(statement["Action"]):
                condition_key = STAR_UNDER_A_CONDITION.get(action)
                if resource_types(action) and condition_key not in statement.get("Condition", {}).get(
                    "StringEquals", {}
                ):
                    offenders.append(action)

    assert offenders == []


def image_repository_arn(mode, template):
    """The stack's own repository (remote build) or the CDK bootstrap repository (local build)."""
    if mode == "local":
        return arn("ecr", f"repository/cdk-hnb659fds-container-assets-{ACCOUNT}-{REGION}")
    (repository,) = template.find_resources("AWS::ECR::Repository")
    return {"Fn::GetAtt": [repository, "Arn"]}


def test_execution_role__names_each_resource_as_the_aws_guide_scopes_it(mode_template):
    mode, template = mode_template
    statements = by_sid(policies(template, "AgentRuntimeExecutionRole"))
    runtime_logs = "log-group:/aws/bedrock-agentcore/runtimes/*"
    profile = arn("bedrock", f"inference-profile/{DEFAULT_MODEL_ID}")
    expected = {
        "PullAgentImage": [image_repository_arn(mode, template)],
        "EcrToken": ["*"],
        "RuntimeLogGroups": [arn("logs", runtime_logs)],
        "RuntimeLogStreams": [arn("logs", f"{runtime_logs}:log-stream:*")],
        "DescribeLogGroups": [arn("logs", "log-group:*")],
        "XRay": ["*"],
        "Metrics": ["*"],
        "WorkloadAccessToken": [
            arn("bedrock-agentcore", "workload-identity-directory/default"),
            arn("bedrock-agentcore", f"workload-identity-directory/default/workload-identity/{RUNTIME_NAME}-*"),
        ],
        "InvokeInferenceProfile": [profile],
        "InvokeModelThroughProfile": [arn("bedrock", f"foundation-model/{BASE_MODEL}", region="*", account="")],
        None: [{"Fn::GetAtt": [*template.find_resources("AWS::BedrockAgentCore::Memory"), "MemoryArn"]}],
    }

    assert {sid: as_list(statement["Resource"]) for sid, statement in statements.items()} == expected
    assert statements["Metrics"]["Condition"] == {"StringEquals": {"cloudwatch:namespace": "bedrock-agentcore"}}
    assert statements["InvokeModelThroughProfile"]["Condition"] == {
        "StringEquals": {"bedrock:InferenceProfileArn": profile}
    }
    assert "Condition" not in statements["InvokeInferenceProfile"]


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        (
            "anthropic.claude-3-haiku-20240307-v1:0",
            {"InvokeModel": [arn("bedrock", "foundation-model/anthropic.claude-3-haiku-20240307-v1:0", account="")]},
        ),
        (
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            {
                "InvokeInferenceProfile": [
                    arn("bedrock", "inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0")
                ],
                "InvokeModelThroughProfile": [
                    arn("bedrock", "foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0", region="*", account="")
                ],
            },
        ),
    ],
    ids=["foundation model: this Region only", "inference profile: the model in any Region through it"],
)
def test_model_permissions__name_exactly_the_model_the_id_calls(model_id, expected):
    stack = cdk.Stack(cdk.App(), "S", env=cdk.Environment(account=ACCOUNT, region=REGION))
    on = RuntimeResources(Arns(stack), model=ModelId.parse(model_id))
    invoke = [
        p
        for p in permissions.EXECUTION_ROLE
        if p.actions == ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")
    ]

    statements = by_sid(rendered(stack, invoke, on))

    assert {sid: as_list(statement["Resource"]) for sid, statement in statements.items()} == expected
    assert ("Condition" in statements.get("InvokeModelThroughProfile", {})) is ModelId.parse(
        model_id
    ).is_inference_profile
    assert "Condition" not in statements.get("InvokeModel", {})


def test_on_event_role__creates_only_runtimes_tagged_for_this_stack_and_passes_only_its_role(template):
    statements = policies(template, ON_EVENT_ROLE)
    created_for_this_stack = {"StringEquals": {f"aws:RequestTag/{p.OWNER_STACK_TAG}": {"Ref": "AWS::StackId"}}}
    execution_role = {"Fn::GetAtt": [Match.string_like_regexp("AgentRuntimeExecutionRole"), "Arn"]}

    def find(action):
        return [s for s in statements if action in as_list(s["Action"])]

    (create,) = find("bedrock-agentcore:CreateAgentRuntime")
    tag_at_creation = [s for s in find("bedrock-agentcore:TagResource") if "Sid" not in s]
    (pass_role,) = find("iam:PassRole")
    (service_linked,) = find("iam:CreateServiceLinkedRole")

    assert (create["Resource"], create["Condition"]) == ("*", created_for_this_stack)
    assert [(s["Resource"], s["Condition"]) for s in tag_at_creation] == [
        (arn("bedrock-agentcore", f"runtime/{RUNTIME_NAME}-*"), created_for_this_stack)
    ]
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "bedrock-agentcore.amazonaws.com"}}
    assert Match.object_like({"Fn::GetAtt": execution_role["Fn::GetAtt"]}).test(pass_role["Resource"]).is_success
    assert service_linked["Resource"] == arn(
        "iam",
        "role/aws-service-role/runtime-identity.bedrock-agentcore.amazonaws.com/"
        "AWSServiceRoleForBedrockAgentCoreRuntimeIdentity",
        region="",
    )
    assert service_linked["Condition"] == {
        "StringEquals": {"iam:AWSServiceName": "runtime-identity.bedrock-agentcore.amazonaws.com"}
    }


def test_is_complete_role__deletes_only_this_runtimes_log_groups(template):
    statements = policies(template, IS_COMPLETE_ROLE)
    granted = {
        action: s["Resource"] for s in statements for action in as_list(s["Action"]) if action.startswith("logs:")
    }

    assert granted["logs:DeleteLogGroup"] == arn("logs", f"log-group:/aws/bedrock-agentcore/runtimes/{RUNTIME_NAME}-*")
    assert granted["logs:DescribeLogGroups"] == arn("logs", "log-group:*")


def test_handler_roles__reach_existing_runtimes_of_any_name_only_when_tagged_with_this_stacks_id(template):
    owned = {"StringEquals": {f"aws:ResourceTag/{p.OWNER_STACK_TAG}": {"Ref": "AWS::StackId"}}}
    any_runtime = arn("bedrock-agentcore", "runtime/*")
    any_identity = arn("bedrock-agentcore", "workload-identity-directory/default/workload-identity/*")

    for role in (ON_EVENT_ROLE, IS_COMPLETE_ROLE):
        on_any_name = [
            statement for statement in policies(template, role) if statement["Resource"] in (any_runtime, any_identity)
        ]
        assert on_any_name
        assert [statement["Condition"] for statement in on_any_name] == [owned] * len(on_any_name)


def arn_pattern(arn_format):
    """A regular expression for an ARN format of the reference (``${Partition}`` etc., and ``.*`` for the rest)."""
    return arn_format.replace("${Partition}", "aws").replace("${Region}", REGION).replace("${Account}", ACCOUNT)


def test_handler_roles__every_resource_tag_condition_is_one_the_action_supports(synthesized, template):
    # A condition on aws:ResourceTag takes effect only for an action whose resource type (the one the statement's ARN
    # is of) lists that condition key.
    conditioned = [
        statement
        for role in (ON_EVENT_ROLE, IS_COMPLETE_ROLE)
        for statement in policies(template, role)
        if any(key.startswith("aws:ResourceTag/") for key in statement.get("Condition", {}).get("StringEquals", {}))
    ]
    unsupported = []
    for statement in conditioned:
        resource = resolve(statement["Resource"], {"AWS::Partition": "aws"})
        for action in as_list(statement["Action"]):
            if not any(
                "aws:ResourceTag/${TagKey}" in kind["ConditionKeys"]
                and any(re.fullmatch(arn_pattern(fmt), resource) for fmt in kind["ARNFormats"])
                for kind in resource_types(action)
            ):
                unsupported.append((action, resource))

    stack, _, _ = synthesized
    entries = [
        s
        for s in rendered(stack, permissions.ON_EVENT + permissions.IS_COMPLETE, RuntimeResources(Arns(stack)))
        if "aws:ResourceTag" in str(s)
    ]
    assert len(conditioned) == len(entries) > 0
    assert unsupported == []


def test_handler_roles__every_request_tag_condition_is_on_an_action_that_takes_it(template):
    # cfn-lint's copy of the Service Authorization Reference keeps no action-level condition keys. The Reference
    # lists aws:RequestTag/${TagKey} for bedrock-agentcore:CreateAgentRuntime and TagResource (its action table).
    takes_request_tags = {"bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:TagResource"}
    conditioned = {
        action
        for role in (ON_EVENT_ROLE, IS_COMPLETE_ROLE)
        for statement in policies(template, role)
        if any(key.startswith("aws:RequestTag/") for key in statement.get("Condition", {}).get("StringEquals", {}))
        for action in as_list(statement["Action"])
    }

    assert conditioned == takes_request_tags


# ---- a permission is one entry -------------------------------------------------------------------------------------


def test_permission__a_wildcard_without_its_reason_stops_synth():
    stack = cdk.Stack()
    role = iam.Role(stack, "Role", assumed_by=iam.AccountRootPrincipal())
    careless = Permission(name="ReadEverything", actions=("s3:GetObject",), resources=lambda _: ["*"], scope="`*`")

    with pytest.raises(ValueError, match=r"permission ReadEverything grants \['\*'\] without a reason"):
        grant(role, [careless], None)


def test_permission__one_that_names_no_resource_is_not_granted():
    stack = cdk.Stack()
    role = iam.Role(stack, "Role", assumed_by=iam.AccountRootPrincipal())

    grant(role, permissions.AGENT, RuntimeResources(Arns(stack)))  # no secrets, no memory

    assert role.node.try_find_child("DefaultPolicy") is None


@pytest.mark.parametrize("action", ["GetObject", "s3:", "s3:Get:Object"])
def test_permission__an_action_iam_would_refuse_is_refused(action):
    with pytest.raises(ValueError, match="'service:Action'"):
        Permission(name="Broken", actions=(action,), resources=lambda _: ["*"], scope="`*`")
