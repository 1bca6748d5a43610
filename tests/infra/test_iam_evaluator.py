"""The IAM evaluator the lifecycle tests rely on decides as IAM does, and refuses what it does not know."""

import re

import pytest

from fakes.iam import Policy, Statement, resolve, role_policy

RUNTIMES = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime"
OWNER = "aws:ResourceTag/agentcore-runtime:cfn-stack-id"


def policy(*statements):
    return Policy(tuple(Statement.parse(statement) for statement in statements))


def allow(action, resource, condition=None):
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def test_resource_wildcard__matches_any_characters_and_only_at_its_place():
    granted = policy(allow("bedrock-agentcore:GetAgentRuntime", f"{RUNTIMES}/agent_a-*"))

    assert granted.allows("bedrock-agentcore:GetAgentRuntime", f"{RUNTIMES}/agent_a-AbCdEfGhIj")
    assert not granted.allows("bedrock-agentcore:GetAgentRuntime", f"{RUNTIMES}/agent_b-AbCdEfGhIj")
    assert not granted.allows("bedrock-agentcore:GetAgentRuntime", f"{RUNTIMES}/agent_a_v2-AbCdEfGhIj")
    assert not granted.allows("bedrock-agentcore:GetAgentRuntime", "*")


def test_action__matches_case_insensitively_with_wildcards_and_nothing_else():
    granted = policy(allow(["bedrock-agentcore:Get*", "logs:DeleteLogGroup"], "*"))

    assert granted.allows("bedrock-agentcore:getagentruntime", "*")
    assert granted.allows("logs:DeleteLogGroup", "*")
    assert not granted.allows("bedrock-agentcore:DeleteAgentRuntime", "*")


def test_string_equals__needs_the_key_with_one_of_the_values():
    granted = policy(allow("bedrock-agentcore:DeleteAgentRuntime", f"{RUNTIMES}/*", {"StringEquals": {OWNER: "s1"}}))

    assert granted.allows("bedrock-agentcore:DeleteAgentRuntime", f"{RUNTIMES}/x-1", {OWNER: "s1"})
    assert not granted.allows("bedrock-agentcore:DeleteAgentRuntime", f"{RUNTIMES}/x-1", {OWNER: "s2"})
    assert not granted.allows("bedrock-agentcore:DeleteAgentRuntime", f"{RUNTIMES}/x-1", {})


def test_no_statement__denies():
    assert not Policy(()).allows("bedrock-agentcore:GetAgentRuntime", f"{RUNTIMES}/x-1")


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringLike": {"k": "v*"}}},
    ],
    ids=["Deny", "NotAction", "StringLike"],
)
def test_what_the_evaluator_does_not_know__is_refused(statement):
    with pytest.raises(NotImplementedError):
        Statement.parse(statement)


def test_resolve__pseudo_parameters_and_joins_and_nothing_else():
    arn = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::1:role/", {"Fn::GetAtt": ["Role", "Arn"]}]]}

    assert resolve(arn, {"AWS::Partition": "aws"}) == "arn:aws:iam::1:role/<unresolved Fn::GetAtt Role.Arn>"
    with pytest.raises(NotImplementedError):
        resolve({"Fn::Sub": "${AWS::Region}"}, {})


def test_role_policy__collects_the_roles_inline_and_attached_policies_only():
    template = {
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyDocument": document("a:One")}]}},
            "Attached": {
                "Type": "AWS::IAM::Policy",
                "Properties": {"Roles": [{"Ref": "Role"}], "PolicyDocument": document("a:Two")},
            },
            "Elsewhere": {
                "Type": "AWS::IAM::Policy",
                "Properties": {"Roles": [{"Ref": "Other"}], "PolicyDocument": document("a:Three")},
            },
        }
    }

    granted = role_policy(template, "Role", {})

    assert [granted.allows(action, "*") for action in ("a:One", "a:Two", "a:Three")] == [True, True, False]


def document(action):
    return {"Version": "2012-10-17", "Statement": [allow(action, "*")]}


def test_control_plane_fake__authorizes_on_star_exactly_what_the_service_authorization_reference_does():
    from botocore.session import get_session

    from fakes.control_plane import UNSCOPED, ControlPlane
    from tests.infra.service_reference import resource_types

    operations = get_session().get_service_model("bedrock-agentcore-control").operation_names
    answered = [op for op in operations if hasattr(ControlPlane, "_" + re.sub(r"(?<!^)(?=[A-Z])", "_", op).lower())]

    assert {"CreateAgentRuntimeEndpoint", "ListAgentRuntimeVersions"} <= set(answered)
    assert {op for op in answered if not resource_types(f"bedrock-agentcore:{op}")} == UNSCOPED
