"""The synthesized stack: every resource and policy, exact actions and resources, no Docker and no AWS needed."""

import json
import re
import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import cfnlint
import pytest
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template

from contract.deployment import DEFAULT_MODEL_ID
from fakes.iam import resolve
from infra.config import Settings, SettingsError
from infra.runtime import (
    ON_EVENT_TIMEOUT,
    PROVIDER_TOTAL_TIMEOUT,
    SERVICE_TIMEOUT,
    AgentCoreRuntime,
    model_statements,
)
from infra.runtime_provider import properties as p
from tests.infra.conftest import ACCOUNT, REGION, build_app

PARTITION = {"Ref": "AWS::Partition"}
RUNTIME_NAME = "agentcore_streaming_agent"
BASE_MODEL = DEFAULT_MODEL_ID.removeprefix("us.")

# Actions that may be granted on "*": each supports no resource-level permission.
STAR_ACTIONS = {
    "ecr:GetAuthorizationToken",
    # The remote image build signs in to ECR Public to pull the base image.
    "ecr-public:GetAuthorizationToken",
    "sts:GetServiceBearerToken",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "cloudwatch:PutMetricData",
    "bedrock-agentcore:CreateAgentRuntime",
    "bedrock-agentcore:ListAgentRuntimes",
    # Step Functions log delivery (the provider's waiter state machine), as the Step Functions guide lists it.
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
}


def arn(service, resource, region=REGION, account=ACCOUNT):
    return {"Fn::Join": ["", ["arn:", PARTITION, f":{service}:{region}:{account}:{resource}"]]}


def as_list(value):
    return value if isinstance(value, list) else [value]


def policies(template, role_prefix):
    """Statements of every AWS::IAM::Policy attached to the roles whose logical id starts with ``role_prefix``."""
    statements = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        roles = [role["Ref"] for role in policy["Properties"]["Roles"]]
        if any(role.startswith(role_prefix) for role in roles):
            statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


def by_sid(statements):
    return {statement.get("Sid"): statement for statement in statements}


OWNER_TAG_SIDS = {"ManageRuntimesOfThisStack", "DeleteRuntimesOfThisStack", "DeleteWorkloadIdentitiesOfThisStack"}
"""The statements that reach this stack's runtimes, of any name, by their owner tag: the only ones on runtimes."""


def by_name(statements):
    """The statements that name this runtime (or need no resource), without those reaching runtimes by their tag."""
    return [statement for statement in statements if statement.get("Sid") not in OWNER_TAG_SIDS]


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


def image_repository_arn(mode, template):
    """The stack's own repository (remote build) or the CDK bootstrap repository (local build)."""
    if mode == "local":
        return arn("ecr", f"repository/cdk-hnb659fds-container-assets-{ACCOUNT}-{REGION}")
    (repository,) = template.find_resources("AWS::ECR::Repository")
    return {"Fn::GetAtt": [repository, "Arn"]}


def test_execution_role__has_exactly_the_documented_permissions(mode_template):
    mode, template = mode_template
    statements = by_sid(policies(template, "AgentRuntimeExecutionRole"))
    runtime_logs = "log-group:/aws/bedrock-agentcore/runtimes/*"
    profile = arn("bedrock", f"inference-profile/{DEFAULT_MODEL_ID}")
    expected = {
        "PullAgentImage": (
            ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            [image_repository_arn(mode, template)],
        ),
        "EcrToken": (["ecr:GetAuthorizationToken"], ["*"]),
        "RuntimeLogGroups": (["logs:DescribeLogStreams", "logs:CreateLogGroup"], [arn("logs", runtime_logs)]),
        "RuntimeLogStreams": (
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [arn("logs", f"{runtime_logs}:log-stream:*")],
        ),
        "DescribeLogGroups": (["logs:DescribeLogGroups"], [arn("logs", "log-group:*")]),
        "XRay": (
            ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
            ["*"],
        ),
        "Metrics": (["cloudwatch:PutMetricData"], ["*"]),
        "WorkloadAccessToken": (
            [
                "bedrock-agentcore:GetWorkloadAccessToken",
                "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
                "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
            ],
            [
                arn("bedrock-agentcore", "workload-identity-directory/default"),
                arn("bedrock-agentcore", f"workload-identity-directory/default/workload-identity/{RUNTIME_NAME}-*"),
            ],
        ),
        "InvokeInferenceProfile": (["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], [profile]),
        "InvokeModelThroughProfile": (
            ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            [arn("bedrock", f"foundation-model/{BASE_MODEL}", region="*", account="")],
        ),
        None: (  # ConversationMemory.grant_conversations: an iam.Grant, which names no Sid
            ["bedrock-agentcore:CreateEvent", "bedrock-agentcore:ListEvents"],
            [{"Fn::GetAtt": [*template.find_resources("AWS::BedrockAgentCore::Memory"), "MemoryArn"]}],
        ),
    }

    actual = {sid: (as_list(s["Action"]), as_list(s["Resource"])) for sid, s in statements.items()}

    assert actual == expected
    assert statements["Metrics"]["Condition"] == {"StringEquals": {"cloudwatch:namespace": "bedrock-agentcore"}}
    assert statements["InvokeModelThroughProfile"]["Condition"] == {
        "StringEquals": {"bedrock:InferenceProfileArn": profile}
    }
    assert "Condition" not in statements["InvokeInferenceProfile"]


def test_every_policy__grants_star_only_to_actions_without_resource_level_permission(mode_template):
    _, template = mode_template
    offenders = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if "*" in as_list(statement["Resource"]):
                offenders += [action for action in as_list(statement["Action"]) if action not in STAR_ACTIONS]

    assert offenders == []


def test_on_event_role__creates_only_runtimes_tagged_for_this_stack_and_passes_only_its_role(template):
    statements = by_name(policies(template, "AgentCoreRuntimeProviderOnEventRole"))
    runtimes = arn("bedrock-agentcore", f"runtime/{RUNTIME_NAME}-*")
    slr = (
        "aws-service-role/runtime-identity.bedrock-agentcore.amazonaws.com/"
        "AWSServiceRoleForBedrockAgentCoreRuntimeIdentity"
    )
    execution_role = {"Fn::GetAtt": [Match.string_like_regexp("AgentRuntimeExecutionRole"), "Arn"]}
    created_for_this_stack = {"StringEquals": {f"aws:RequestTag/{p.OWNER_STACK_TAG}": {"Ref": "AWS::StackId"}}}

    def find(action):
        return [s for s in statements if action in as_list(s["Action"])]

    (create,) = find("bedrock-agentcore:CreateAgentRuntime")
    (listing,) = find("bedrock-agentcore:ListAgentRuntimes")
    (tag_at_creation,) = find("bedrock-agentcore:TagResource")
    (pass_role,) = find("iam:PassRole")
    (service_linked,) = find("iam:CreateServiceLinkedRole")
    (identity,) = find("bedrock-agentcore:CreateWorkloadIdentity")

    assert (create["Action"], create["Resource"], create["Condition"]) == (
        "bedrock-agentcore:CreateAgentRuntime",
        "*",
        created_for_this_stack,
    )
    assert (listing["Action"], listing["Resource"], listing.get("Condition")) == (
        "bedrock-agentcore:ListAgentRuntimes",
        "*",
        None,
    )
    assert (tag_at_creation["Action"], tag_at_creation["Resource"], tag_at_creation["Condition"]) == (
        "bedrock-agentcore:TagResource",
        runtimes,
        created_for_this_stack,
    )
    for action in ("Get", "Update", "Delete"):  # an existing runtime is reached through its owner tag only
        assert find(f"bedrock-agentcore:{action}AgentRuntime") == []
    assert find("bedrock-agentcore:UntagResource") == find("bedrock-agentcore:ListTagsForResource") == []
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "bedrock-agentcore.amazonaws.com"}}
    assert Match.object_like({"Fn::GetAtt": execution_role["Fn::GetAtt"]}).test(pass_role["Resource"]).is_success
    assert service_linked["Resource"] == arn("iam", f"role/{slr}", region="")
    assert service_linked["Condition"] == {
        "StringEquals": {"iam:AWSServiceName": "runtime-identity.bedrock-agentcore.amazonaws.com"}
    }
    assert sorted(as_list(identity["Action"])) == [
        "bedrock-agentcore:CreateWorkloadIdentity",
        "bedrock-agentcore:DeleteWorkloadIdentity",
    ]


def test_is_complete_role__deletes_only_this_runtimes_log_groups_and_reaches_runtimes_by_their_tag_only(template):
    statements = by_name(policies(template, "AgentCoreRuntimeProviderIsCompleteRole"))
    granted = {action: statement["Resource"] for statement in statements for action in as_list(statement["Action"])}

    assert set(granted) == {
        "bedrock-agentcore:ListAgentRuntimes",
        "bedrock-agentcore:DeleteWorkloadIdentity",
        "logs:DescribeLogGroups",
        "logs:DeleteLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }
    assert granted["logs:DeleteLogGroup"] == arn("logs", f"log-group:/aws/bedrock-agentcore/runtimes/{RUNTIME_NAME}-*")
    assert granted["logs:DescribeLogGroups"] == arn("logs", "log-group:*")
    assert granted["bedrock-agentcore:ListAgentRuntimes"] == "*"


def test_handler_roles__reach_runtimes_of_any_name_only_when_tagged_with_this_stacks_id(template):
    on_event = by_sid(policies(template, "AgentCoreRuntimeProviderOnEventRole"))
    is_complete = by_sid(policies(template, "AgentCoreRuntimeProviderIsCompleteRole"))
    owned = {"StringEquals": {f"aws:ResourceTag/{p.OWNER_STACK_TAG}": {"Ref": "AWS::StackId"}}}
    any_runtime = arn("bedrock-agentcore", "runtime/*")
    any_identity = arn("bedrock-agentcore", "workload-identity-directory/default/workload-identity/*")

    assert {sid: statement for sid, statement in on_event.items() if sid in OWNER_TAG_SIDS} == {
        "ManageRuntimesOfThisStack": {
            "Sid": "ManageRuntimesOfThisStack",
            "Effect": "Allow",
            "Action": [
                "bedrock-agentcore:GetAgentRuntime",
                "bedrock-agentcore:UpdateAgentRuntime",
                "bedrock-agentcore:DeleteAgentRuntime",
                "bedrock-agentcore:ListTagsForResource",
                "bedrock-agentcore:TagResource",
                "bedrock-agentcore:UntagResource",
            ],
            "Resource": any_runtime,
            "Condition": owned,
        },
        "DeleteWorkloadIdentitiesOfThisStack": {
            "Sid": "DeleteWorkloadIdentitiesOfThisStack",
            "Effect": "Allow",
            "Action": "bedrock-agentcore:DeleteWorkloadIdentity",
            "Resource": any_identity,
            "Condition": owned,
        },
    }
    assert is_complete["DeleteRuntimesOfThisStack"] == {
        "Sid": "DeleteRuntimesOfThisStack",
        "Effect": "Allow",
        "Action": ["bedrock-agentcore:GetAgentRuntime", "bedrock-agentcore:DeleteAgentRuntime"],
        "Resource": any_runtime,
        "Condition": owned,
    }
    assert is_complete["DeleteWorkloadIdentitiesOfThisStack"] == on_event["DeleteWorkloadIdentitiesOfThisStack"]


def test_handler_roles__every_resource_tag_condition_is_one_the_action_supports(template):
    # The Service Authorization Reference, as cfn-lint ships it: a condition on aws:ResourceTag takes effect only for
    # an action whose resource type (the one the statement's ARN is of) lists that condition key.
    reference = json.loads((Path(cfnlint.__file__).parent / "data/AdditionalSpecs/Policies.json").read_text())
    conditioned = [
        statement
        for role in ("AgentCoreRuntimeProviderOnEventRole", "AgentCoreRuntimeProviderIsCompleteRole")
        for statement in policies(template, role)
        if any(key.startswith("aws:ResourceTag/") for key in statement.get("Condition", {}).get("StringEquals", {}))
    ]
    unsupported = []
    for statement in conditioned:
        resource = resolve(statement["Resource"], {"AWS::Partition": "aws"})
        for action in as_list(statement["Action"]):
            service, name = action.split(":")
            actions = {key.lower(): value for key, value in reference[service]["Actions"].items()}
            types = [reference[service]["Resources"][kind] for kind in actions[name.lower()].get("Resources", [])]
            if not any(
                "aws:ResourceTag/${TagKey}" in kind["ConditionKeys"]
                and any(re.fullmatch(arn_pattern(fmt), resource) for fmt in kind["ARNFormats"])
                for kind in types
            ):
                unsupported.append((action, resource))

    assert len(conditioned) == 4
    assert unsupported == []


def test_handler_roles__every_request_tag_condition_is_on_an_action_that_takes_it(template):
    # cfn-lint's copy of the Service Authorization Reference keeps no action-level condition keys. The Reference
    # lists aws:RequestTag/${TagKey} for bedrock-agentcore:CreateAgentRuntime and TagResource (its action table).
    takes_request_tags = {"bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:TagResource"}
    conditioned = [
        action
        for role in ("AgentCoreRuntimeProviderOnEventRole", "AgentCoreRuntimeProviderIsCompleteRole")
        for statement in policies(template, role)
        if any(key.startswith("aws:RequestTag/") for key in statement.get("Condition", {}).get("StringEquals", {}))
        for action in as_list(statement["Action"])
    ]

    assert sorted(conditioned) == sorted(takes_request_tags)


def arn_pattern(arn_format):
    """A regular expression for an ARN format of the reference (``${Partition}`` etc., and ``.*`` for the rest)."""
    return arn_format.replace("${Partition}", "aws").replace("${Region}", REGION).replace("${Account}", ACCOUNT)


def test_waiter_role__has_no_log_writes_on_star(template):
    statements = policies(template, "AgentCoreRuntimeProviderwaiterstatemachineRole")
    on_star = {action for s in statements if s["Resource"] == "*" for action in as_list(s["Action"])}

    assert on_star
    assert {"logs:CreateLogStream", "logs:PutLogEvents"}.isdisjoint(on_star)


@pytest.mark.parametrize("managed", [False, True], ids=["flag-off", "useCdkManagedLogGroup"])
def test_handlers__log_where_the_framework_failure_points(tmp_path, managed):
    # The framework appends "Logs: /aws/lambda/<function name>" to every handler failure CloudFormation shows.
    flags = {"@aws-cdk/aws-lambda:useCdkManagedLogGroup": managed}
    _, stack = build_app(str(tmp_path), bundle=False, flags=flags)
    template = Template.from_stack(stack)
    functions = template.find_resources("AWS::Lambda::Function", {"Properties": {"Runtime": "python3.14"}})
    log_groups = template.find_resources("AWS::Logs::LogGroup").values()
    groups = [g["Properties"].get("LogGroupName") for g in log_groups]
    runtime = next(iter(template.find_resources(p.RESOURCE_TYPE).values()))

    assert {f["Properties"]["Handler"] for f in functions.values()} == {"handler.on_event", "handler.is_complete"}
    for logical_id, function in functions.items():
        assert function["Properties"]["Architectures"] == ["arm64"]
        assert "LogGroup" not in function["Properties"].get("LoggingConfig", {})
        assert groups.count({"Fn::Join": ["", ["/aws/lambda/", {"Ref": logical_id}]]}) == 1
    for group in log_groups:
        assert (group["Properties"]["RetentionInDays"], group["DeletionPolicy"]) == (30, "Delete")
    # The groups and their write policies exist before the first call.
    assert any(dep.startswith("AgentCoreRuntimeProviderOnEventLogging") for dep in runtime["DependsOn"])
    assert any(dep.startswith("AgentCoreRuntimeProviderIsCompleteLog") for dep in runtime["DependsOn"])


def test_framework__logs_at_info(template):
    framework_handler = {"Properties": {"Handler": Match.string_like_regexp("^framework")}}
    framework = template.find_resources("AWS::Lambda::Function", framework_handler)

    assert framework
    for function in framework.values():
        assert function["Properties"]["LoggingConfig"]["ApplicationLogLevel"] == "INFO"


def test_handlers__have_own_log_groups_and_no_managed_policy(mode_template):
    _, template = mode_template
    for log_group in template.find_resources("AWS::Logs::LogGroup").values():
        assert log_group["Properties"]["RetentionInDays"] == 30
    template.resource_count_is("AWS::IAM::ManagedPolicy", 0)
    for role in template.find_resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


def test_provider__polls_with_explicit_interval_and_timeout(template):
    definitions = template.find_resources("AWS::StepFunctions::StateMachine")
    (machine,) = definitions.values()
    definition = json.dumps(machine["Properties"]["DefinitionString"])

    assert '\\"IntervalSeconds\\":10' in definition
    assert '\\"MaxAttempts\\":180' in definition  # 30 minutes / 10 seconds
    assert machine["Properties"]["LoggingConfiguration"]["Level"] == "ALL"


def test_custom_resource__service_timeout_outlasts_the_provider(template):
    runtime = next(iter(template.find_resources(p.RESOURCE_TYPE).values()))
    service_timeout = int(runtime["Properties"]["ServiceTimeout"])

    assert service_timeout == SERVICE_TIMEOUT.to_seconds()
    assert ON_EVENT_TIMEOUT.to_seconds() + PROVIDER_TOTAL_TIMEOUT.to_seconds() < service_timeout <= 3600


def test_runtime__tags_are_passed_and_the_handlers_keys_refused(tmp_path):
    (tmp_path / "image").mkdir()
    (tmp_path / "image" / "Dockerfile").write_text("FROM scratch\n")
    app = cdk.App(outdir=str(tmp_path / "out"), context={"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "Tags", env=cdk.Environment(account=ACCOUNT, region=REGION))
    image = ecr_assets.DockerImageAsset(stack, "Image", directory=str(tmp_path / "image"))

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


def test_outputs__arn_id_region_and_invoke_command(template):
    outputs = template.find_outputs("*")

    assert set(outputs) == {"RuntimeArn", "RuntimeId", "Region", "InvokeCommand", "MemoryId"}
    assert outputs["Region"]["Value"] == REGION
    command = outputs["InvokeCommand"]["Value"]["Fn::Join"][1]
    assert command[0] == f".venv/bin/python -m client invoke --region {REGION} --arn "
    assert command[1]["Fn::GetAtt"][1] == p.ATTR_ARN
    assert command[2] == ' "Hello"'


def test_bundle__holds_handler_and_pinned_boto3_that_knows_agentcore(synthesized):
    _, _, outdir = synthesized
    bundles = [path.parent for path in Path(outdir).glob("asset.*/handler.py")]
    (bundle,) = bundles
    probe = (
        "import sys; sys.path.insert(0, '.');"
        "import handler, properties, boto3, botocore.session;"
        "m = botocore.session.get_session().get_service_model('bedrock-agentcore-control');"
        "print(boto3.__version__, sorted({'CreateAgentRuntime','UpdateAgentRuntime','GetAgentRuntime',"
        "'DeleteAgentRuntime','ListAgentRuntimes','TagResource','UntagResource','ListTagsForResource'}"
        " - set(m.operation_names)))"
    )

    # -S: no site-packages, so everything imported comes from the bundle itself.
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe], cwd=bundle, capture_output=True, text=True, check=True
    )

    assert result.stdout.split() == ["1.44.5", "[]"]
    assert not (bundle / "requirements.txt").exists()


def test_model_statements__plain_foundation_model_is_regional_and_unconditioned():
    stack = cdk.Stack(cdk.App(), "S", env=cdk.Environment(account=ACCOUNT, region=REGION))

    (statement,) = model_statements(stack, "anthropic.claude-3-haiku-20240307-v1:0")
    rendered = stack.resolve(statement.to_statement_json())

    assert rendered["Resource"] == arn("bedrock", "foundation-model/anthropic.claude-3-haiku-20240307-v1:0", account="")
    assert "Condition" not in rendered


def test_grant_invoke__allows_invoking_the_runtime_and_its_endpoints(tmp_path):
    _, probe_stack = build_app(str(tmp_path), bundle=False)
    caller = iam.Role(probe_stack, "Caller", assumed_by=iam.AccountRootPrincipal())

    probe_stack.runtime.grant_invoke(caller)

    statements = policies(Template.from_stack(probe_stack), "Caller")
    assert statements[0]["Action"] == "bedrock-agentcore:InvokeAgentRuntime"
    resources = json.dumps(statements[0]["Resource"])
    assert p.ATTR_ARN in resources and "/runtime-endpoint/*" in resources


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
