"""The deploy/destroy preflight with injected probes: no Docker, no AWS (Stubber for STS and SSM)."""

import subprocess

import pytest
from botocore.exceptions import NoCredentialsError
from botocore.stub import Stubber

from infra import preflight
from tests.infra.conftest import ACCOUNT, REGION, stubbed_client

IDENTITY = {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/dev", "UserId": "AIDAEXAMPLE"}


def done(returncode=0, stdout=""):
    return subprocess.CompletedProcess(args=[], returncode=returncode, stdout=stdout, stderr="")


def docker(info=0, platforms="linux/amd64, linux/arm64"):
    def run(command):
        if command[:2] == ["docker", "info"]:
            if info is None:
                raise FileNotFoundError("docker")
            return done(info)
        return done(0, f"Platforms: {platforms}\n")

    return run


@pytest.fixture
def aws():
    """STS and SSM clients with Stubbers; ``client`` hands them to the preflight."""
    clients = {"sts": stubbed_client("sts"), "ssm": stubbed_client("ssm")}
    stubbers = {name: Stubber(c) for name, c in clients.items()}
    for stub in stubbers.values():
        stub.activate()
    yield stubbers, (lambda service, region: clients[service])
    for stub in stubbers.values():
        stub.assert_no_pending_responses()


def test_check__all_present_means_no_problem(aws):
    stubbers, client = aws
    stubbers["sts"].add_response("get_caller_identity", IDENTITY)
    stubbers["ssm"].add_response(
        "get_parameter",
        {"Parameter": {"Name": preflight.BOOTSTRAP_VERSION_PARAMETER, "Value": "28"}},
        {"Name": preflight.BOOTSTRAP_VERSION_PARAMETER},
    )

    problems = preflight.check("deploy", region=REGION, client=client, run=docker(), machine="x86_64")

    assert problems == []


def test_check__no_docker_no_credentials_no_region_each_say_the_fix():
    def no_credentials(service, region):
        raise NoCredentialsError()

    problems = preflight.check("deploy", region=None, client=no_credentials, run=docker(info=None), machine="x86_64")

    assert len(problems) == 3
    assert "export AWS_REGION=" in problems[0]
    assert "aws configure" in problems[1]
    assert "Docker is not installed or not running" in problems[2]


def test_check__x86_docker_without_arm64_emulation(aws):
    stubbers, client = aws
    stubbers["sts"].add_response("get_caller_identity", IDENTITY)
    stubbers["ssm"].add_response("get_parameter", {"Parameter": {"Name": "n", "Value": "28"}})

    problems = preflight.check(
        "deploy", region=REGION, client=client, run=docker(platforms="linux/amd64"), machine="x86_64"
    )

    assert problems == [
        "Docker on this x86_64 machine cannot build linux/arm64 images (AgentCore runs arm64 only). "
        "Fix: docker run --privileged --rm tonistiigi/binfmt --install arm64"
    ]


def test_check__arm64_host_needs_no_emulation(aws):
    stubbers, client = aws
    stubbers["sts"].add_response("get_caller_identity", IDENTITY)
    stubbers["ssm"].add_response("get_parameter", {"Parameter": {"Name": "n", "Value": "28"}})

    problems = preflight.check("deploy", region=REGION, client=client, run=docker(platforms=""), machine="aarch64")

    assert problems == []


def test_check__missing_bootstrap_offers_the_command(aws):
    stubbers, client = aws
    stubbers["sts"].add_response("get_caller_identity", IDENTITY)
    stubbers["ssm"].add_client_error("get_parameter", "ParameterNotFound", "not found", 400)

    problems = preflight.check("deploy", region=REGION, client=client, run=docker(), machine="x86_64")

    assert problems == [
        f"CDK is not bootstrapped in aws://{ACCOUNT}/{REGION}. Fix: npx cdk bootstrap aws://{ACCOUNT}/{REGION}"
    ]


def test_check__destroy_needs_only_credentials_and_region(aws):
    stubbers, client = aws
    stubbers["sts"].add_response("get_caller_identity", IDENTITY)

    def no_docker(command):
        raise AssertionError("destroy must not need Docker")

    problems = preflight.check("destroy", region=REGION, client=client, run=no_docker)

    assert problems == []


def test_main__on_this_machine_prints_actionable_lines_and_fails(monkeypatch, capsys):
    monkeypatch.setattr(preflight, "check", lambda command, region: ["no AWS credentials found. Fix: aws configure"])

    status = preflight.main(["deploy"])

    assert status == 1
    assert capsys.readouterr().err == "preflight: no AWS credentials found. Fix: aws configure\n"


def test_main__rejects_unknown_command(capsys):
    assert preflight.main(["launch"]) == 2
