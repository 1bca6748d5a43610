"""The stack's one custom-resource provider: its handlers, their log groups, the framework's polling, the bundle."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk.assertions import Match, Template

from infra.runtime.handler import properties as p
from infra.runtime.provider import (
    GIVE_UP_AFTER,
    ON_EVENT_TIMEOUT,
    PROVIDER_QUERY_INTERVAL,
    PROVIDER_TOTAL_TIMEOUT,
    SERVICE_TIMEOUT,
)
from tests.infra.conftest import build_app


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


def test_is_complete__gives_up_on_a_deletion_before_the_framework_would(template):
    (function,) = template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"Handler": "handler.is_complete"}}
    ).values()

    give_up = int(function["Properties"]["Environment"]["Variables"][p.GIVE_UP_AFTER_ENV])

    assert give_up == GIVE_UP_AFTER.to_seconds()
    assert give_up + PROVIDER_QUERY_INTERVAL.to_seconds() < PROVIDER_TOTAL_TIMEOUT.to_seconds()


def test_custom_resource__service_timeout_outlasts_the_provider(template):
    runtime = next(iter(template.find_resources(p.RESOURCE_TYPE).values()))
    service_timeout = int(runtime["Properties"]["ServiceTimeout"])

    assert service_timeout == SERVICE_TIMEOUT.to_seconds()
    assert ON_EVENT_TIMEOUT.to_seconds() + PROVIDER_TOTAL_TIMEOUT.to_seconds() < service_timeout <= 3600


def test_bundle__holds_handler_and_pinned_boto3_that_knows_agentcore(synthesized):
    _, _, outdir = synthesized
    bundles = [path.parent for path in Path(outdir).glob("asset.*/handler.py")]
    (bundle,) = bundles
    probe = (
        "import sys; sys.path.insert(0, '.');"
        "import handler, properties, boto3, botocore.session;"
        "m = botocore.session.get_session().get_service_model('bedrock-agentcore-control');"
        "print(boto3.__version__, sorted({'CreateAgentRuntime','UpdateAgentRuntime','GetAgentRuntime',"
        "'DeleteAgentRuntime','ListAgentRuntimes','TagResource','UntagResource','ListTagsForResource',"
        "'CreateAgentRuntimeEndpoint','UpdateAgentRuntimeEndpoint','GetAgentRuntimeEndpoint',"
        "'DeleteAgentRuntimeEndpoint','ListAgentRuntimeEndpoints'}"
        " - set(m.operation_names)))"
    )

    # -S: no site-packages, so everything imported comes from the bundle itself.
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe], cwd=bundle, capture_output=True, text=True, check=True
    )

    assert result.stdout.split() == ["1.44.5", "[]"]
    assert not (bundle / "requirements.txt").exists()
