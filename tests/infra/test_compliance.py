"""cdk-nag (AwsSolutions) and cfn-lint on the synthesized templates: both image build modes, without memory, with
secrets, in a VPC (own security groups, or the stack's with endpoints), with every production control, and with
users signed in to Cognito or to another provider."""

import json
import re
import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from cdk_nag import AwsSolutionsChecks

from tests.infra.conftest import JWT_SETTINGS, PRODUCTION, VPC_OWN_GROUPS, build_app

MODES = ["remote", "local"]
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shared/db-password-AbCdEf"
DEPLOYMENTS = {
    "remote build": {"image_build": "remote"},
    "local build": {"image_build": "local"},
    "without memory": {"memory": False},
    "with secrets": {"secrets": {"WEATHER_API_KEY": "my-agent/weather-key", "DB": SECRET_ARN}},
    "without monitoring": {"dashboard": False, "alarms": False, "traces": False},
    "alarms to an address": {"alarm_email": "ops@example.com"},
    "vpc, own security groups": VPC_OWN_GROUPS,
    "every production control": {**PRODUCTION, "secrets": {"DB": SECRET_ARN}},
    "cognito users": {"auth": "cognito"},
    "jwt users": JWT_SETTINGS,
}


@pytest.mark.parametrize("settings", DEPLOYMENTS.values(), ids=DEPLOYMENTS)
def test_cdk_nag__aws_solutions_has_no_unacknowledged_finding(tmp_path, settings):
    app, _ = build_app(str(tmp_path), bundle=False, **settings)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))

    app.synth()  # raises ValidationFailed, with each finding, if any is not acknowledged

    report = json.loads((tmp_path / "validation-report.json").read_text())
    assert report["pluginReports"] == []


def test_cdk_nag__does_report_an_unacknowledged_wildcard(tmp_path):
    app, stack = build_app(str(tmp_path), bundle=False)
    role = iam.Role(stack, "Careless", assumed_by=iam.AccountRootPrincipal())
    role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"]))
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))

    with pytest.raises(RuntimeError, match=r"(?s)ValidationFailed.*Careless.*AwsSolutions-IAM5\[Resource::\*\]"):
        app.synth()


@pytest.mark.parametrize(
    "settings", [*({"image_build": mode} for mode in MODES), {"auth": "cognito"}], ids=[*MODES, "cognito"]
)
def test_cdk_nag__every_acknowledgment_is_one_finding_with_a_reason(tmp_path, settings):
    app, stack = build_app(str(tmp_path), bundle=False, **settings)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    app.synth()

    acknowledged = {
        rule: reason
        for construct in stack.node.find_all()
        for entry in construct.node.metadata
        if entry.type == "aws:cdk:acknowledged-rules"
        for rule, reason in entry.data.items()
    }
    # Each IAM5 acknowledgment names one resource. The others: SF2 (no X-Ray option on the Provider's state machine),
    # for the remote build CB3 (privileged Docker build), CB4 (no artifacts to encrypt), L1 (the library's runtime),
    # and for Cognito COG8 (the Essentials plan, not Plus).
    narrow = re.compile(r"Annotation::AwsSolutions-(IAM5\[Resource::[^\]]+\]|SF2|CB3|CB4|L1|COG8)")

    assert acknowledged
    assert [rule for rule in acknowledged if not narrow.fullmatch(rule)] == []
    assert [rule for rule, reason in acknowledged.items() if len(reason) < 40] == []


@pytest.mark.parametrize(
    "synthesized_stack",
    [
        "synthesized",
        "synthesized_local",
        "synthesized_without_memory",
        "synthesized_vpc_own_groups",
        "synthesized_production",
        "synthesized_cognito",
        "synthesized_jwt",
    ],
)
def test_cfn_lint__synthesized_template_has_no_error(synthesized_stack, request):
    _, _, outdir = request.getfixturevalue(synthesized_stack)
    (template,) = Path(outdir).glob("*.template.json")

    # Exit code bit 2 = errors, 4 = warnings, 8 = informational (cfn-lint's documented exit codes).
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--format", "parseable", "--", str(template)],
        capture_output=True,
        text=True,
        check=False,
    )

    findings = [line.split(":")[5] for line in result.stdout.splitlines()]
    assert result.returncode & 2 == 0, result.stdout
    # W3005 only: aws-cdk-lib's DependsOn on a role (for its DefaultPolicy) next to a GetAtt of the same role.
    assert set(findings) <= {"W3005"}, result.stdout
