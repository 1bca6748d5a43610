"""The deploy/destroy preflight in both build modes, with injected probes: no Docker, no AWS (Stubber for STS, SSM)."""

import subprocess

import pytest
from botocore.exceptions import NoCredentialsError

from infra import preflight
from infra.settings import IMAGE_BUILD_LOCAL, IMAGE_BUILD_REMOTE
from tests.infra.conftest import ACCOUNT, REGION

IDENTITY = {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/dev", "UserId": "AIDAEXAMPLE"}


def done(returncode=0, stdout=""):
    return subprocess.CompletedProcess(args=[], returncode=returncode, stdout=stdout, stderr="")


def no_docker(command):
    raise AssertionError(f"this must not need Docker: {command}")


def bootstrapped(stubbers):
    stubbers["sts"].add_response("get_caller_identity", IDENTITY)
    stubbers["ssm"].add_response(
        "get_parameter",
        {"Parameter": {"Name": preflight.BOOTSTRAP_VERSION_PARAMETER, "Value": "28"}},
        {"Name": preflight.BOOTSTRAP_VERSION_PARAMETER},
    )


def docker(info=0, platforms="linux/amd64, linux/arm64"):
    def run(command):
        if command[:2] == ["docker", "info"]:
            if info is None:
                raise FileNotFoundError("docker")
            return done(info)
        return done(0, f"Platforms: {platforms}\n")

    return run


@pytest.fixture
def aws(stubbed_clients):
    """STS and SSM clients with Stubbers; ``client`` hands them to the preflight."""
    stubbers, clients = stubbed_clients("sts", "ssm")
    return stubbers, (lambda service, region: clients[service])


def local_build_check(client, run, *, region=REGION, machine="x86_64"):
    """What the preflight finds before a deploy that builds the image with this machine's Docker."""
    return preflight.check(
        "deploy", region=region, image_build=IMAGE_BUILD_LOCAL, client=client, run=run, machine=machine
    )


def no_credentials(service, region):
    raise NoCredentialsError()


def test_check__remote_build_needs_credentials_region_and_bootstrap_but_no_docker(aws):
    stubbers, client = aws
    bootstrapped(stubbers)

    problems = preflight.check("deploy", region=REGION, image_build=IMAGE_BUILD_REMOTE, client=client, run=no_docker)

    assert problems == []


def test_check__remote_build_is_the_default(aws):
    stubbers, client = aws
    bootstrapped(stubbers)

    problems = preflight.check("deploy", region=REGION, client=client, run=no_docker, machine="x86_64")

    assert problems == []


@pytest.mark.parametrize(
    ("machine", "platforms", "expected"),
    [
        ("x86_64", "linux/amd64, linux/arm64", []),
        ("aarch64", "", []),
        (
            "x86_64",
            "linux/amd64",
            [
                "Docker on this x86_64 machine cannot build linux/arm64 images (AgentCore runs arm64 only). "
                "Fix: docker run --privileged --rm tonistiigi/binfmt --install arm64"
            ],
        ),
    ],
    ids=["x86_64 with arm64 emulation", "arm64 host: native", "x86_64 without arm64 emulation"],
)
def test_check__local_build_needs_docker_that_builds_arm64(aws, machine, platforms, expected):
    stubbers, client = aws
    bootstrapped(stubbers)

    assert local_build_check(client, docker(platforms=platforms), machine=machine) == expected


def test_check__local_build_without_docker_credentials_or_region_each_say_the_fix():
    problems = local_build_check(no_credentials, docker(info=None), region=None)

    assert len(problems) == 3
    assert "export AWS_REGION=" in problems[0]
    assert "aws configure" in problems[1]
    assert "Docker is not installed or not running" in problems[2]
    assert "drop -c imageBuild=local" in problems[2]


def test_check__remote_build_without_credentials_or_region_never_mentions_docker():
    problems = preflight.check("deploy", region=None, client=no_credentials, run=no_docker, machine="x86_64")

    assert len(problems) == 2
    assert not [problem for problem in problems if "Docker" in problem]


def test_check__missing_bootstrap_offers_the_command(aws):
    stubbers, client = aws
    stubbers["sts"].add_response("get_caller_identity", IDENTITY)
    stubbers["ssm"].add_client_error("get_parameter", "ParameterNotFound", "not found", 400)

    problems = preflight.check("deploy", region=REGION, client=client, run=no_docker, machine="x86_64")

    assert problems == [
        f"CDK is not bootstrapped in aws://{ACCOUNT}/{REGION}. Fix: npx cdk bootstrap aws://{ACCOUNT}/{REGION}"
    ]


def test_check__destroy_needs_only_credentials_and_region(aws):
    stubbers, client = aws
    stubbers["sts"].add_response("get_caller_identity", IDENTITY)

    problems = preflight.check("destroy", region=REGION, image_build=IMAGE_BUILD_LOCAL, client=client, run=no_docker)

    assert problems == []


def test_main__on_this_machine_prints_actionable_lines_and_fails(monkeypatch, capsys):
    monkeypatch.setattr(preflight, "check", lambda command, **_: ["no AWS credentials found. Fix: aws configure"])

    status = preflight.main(["deploy"])

    assert status == 1
    assert capsys.readouterr().err == "preflight: no AWS credentials found. Fix: aws configure\n"


def test_main__rejects_unknown_command(capsys):
    assert preflight.main(["launch"]) == 2


@pytest.fixture
def checked(monkeypatch):
    """Records how ``main`` calls ``check``, which reports no problem."""
    calls = []

    def check(command, region, image_build, **_):
        calls.append((command, image_build))
        return []

    monkeypatch.delenv("AGENTCORE_IMAGE_BUILD", raising=False)
    monkeypatch.setattr(preflight, "check", check)
    return calls


def test_main__checks_the_remote_build_unless_told_otherwise(checked, capsys):
    assert preflight.main(["deploy"]) == 0

    assert checked == [("deploy", IMAGE_BUILD_REMOTE)]
    assert "no Docker needed" in capsys.readouterr().out


@pytest.mark.parametrize(
    "cdk_args", [["-c", "imageBuild=local"], ["--context", "imageBuild=local"], ["--context=imageBuild=local"]]
)
def test_main__reads_the_build_mode_from_the_cdk_arguments(checked, cdk_args):
    assert preflight.main(["deploy", "--require-approval", "never", *cdk_args]) == 0

    assert checked == [("deploy", IMAGE_BUILD_LOCAL)]


def test_main__reads_the_build_mode_from_the_environment(checked, monkeypatch):
    monkeypatch.setenv("AGENTCORE_IMAGE_BUILD", IMAGE_BUILD_LOCAL)

    assert preflight.main(["deploy"]) == 0

    assert checked == [("deploy", IMAGE_BUILD_LOCAL)]


def test_main__unknown_build_mode_fails_with_the_fix(checked, capsys):
    assert preflight.main(["deploy", "-c", "imageBuild=docker"]) == 1

    assert checked == []
    assert "-c imageBuild=local" in capsys.readouterr().err


# --- the Region, taken as the stack takes it -------------------------------------------------------------------------

ELSEWHERE = "eu-west-1"
REGION_SOURCES = ["context", "AWS_REGION", "AWS_DEFAULT_REGION", "profile"]
"""Where ``cdk deploy`` takes the stack's Region from, in its order (``CDK_DEFAULT_REGION`` is the CLI's own)."""


def set_region(source, region, monkeypatch, aws_config):
    """Name ``region`` through one source; return the cdk arguments that source needs."""
    if source == "context":
        return ["-c", f"region={region}"]
    if source == "profile":
        aws_config.write_text(f"[default]\nregion = {region}\n")
    else:
        monkeypatch.setenv(source, region)
    return []


@pytest.fixture
def regional(aws):
    """The stubbed clients, recording the Region each was asked for."""
    stubbers, client = aws
    asked = []

    def make(service, region):
        asked.append(region)
        return client(service, region)

    return stubbers, make, asked


@pytest.mark.parametrize("source", REGION_SOURCES)
def test_main__deploy_takes_the_region_from_each_source_the_stack_reads(
    source, regional, aws_config, monkeypatch, capsys
):
    stubbers, client, asked = regional
    bootstrapped(stubbers)
    cdk_args = set_region(source, ELSEWHERE, monkeypatch, aws_config)

    status = preflight.main(["deploy", *cdk_args], client=client)

    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert asked == [ELSEWHERE, ELSEWHERE]
    assert f"ready to deploy stack AgentCoreStreamingAgent in {ELSEWHERE}" in out


@pytest.mark.parametrize("source", REGION_SOURCES)
def test_main__destroy_takes_the_region_from_each_source_the_stack_reads(
    source, regional, aws_config, monkeypatch, capsys
):
    stubbers, client, asked = regional
    stubbers["sts"].add_response("get_caller_identity", IDENTITY)
    cdk_args = set_region(source, ELSEWHERE, monkeypatch, aws_config)

    status = preflight.main(["destroy", *cdk_args], client=client)

    assert status == 0
    assert asked == [ELSEWHERE]


def test_main__without_any_region_says_to_export_aws_region(regional, aws_config, capsys):
    stubbers, client, _ = regional
    stubbers["sts"].add_response("get_caller_identity", IDENTITY)

    status = preflight.main(["deploy"], client=client)

    assert status == 1
    assert capsys.readouterr().err == f"preflight: {preflight.NO_REGION}\n"


def test_main__cdk_default_region_alone_is_refused_because_the_cdk_cli_replaces_it(
    regional, aws_config, monkeypatch, capsys
):
    stubbers, client, _ = regional
    stubbers["sts"].add_response("get_caller_identity", IDENTITY)
    monkeypatch.setenv("CDK_DEFAULT_REGION", ELSEWHERE)

    status = preflight.main(["deploy"], client=client)

    assert status == 1
    assert capsys.readouterr().err == f"preflight: {preflight.NO_REGION}\npreflight: {preflight.CDK_REGION_IGNORED}\n"


@pytest.mark.parametrize("winner", REGION_SOURCES[:-1])
def test_main__each_source_wins_over_those_after_it(winner, regional, aws_config, monkeypatch):
    stubbers, client, asked = regional
    bootstrapped(stubbers)
    for source in REGION_SOURCES[REGION_SOURCES.index(winner) + 1 :]:
        set_region(source, "ap-southeast-2", monkeypatch, aws_config)
    monkeypatch.setenv("CDK_DEFAULT_REGION", "ca-central-1")
    cdk_args = set_region(winner, ELSEWHERE, monkeypatch, aws_config)

    assert preflight.main(["deploy", *cdk_args], client=client) == 0

    assert asked == [ELSEWHERE, ELSEWHERE]


# ---- VPC mode: the subnets and security groups, looked up with the user's credentials ------------------------------

SUBNET_A, SUBNET_B = "subnet-0123456789abcdef0", "subnet-89abcdef"
GROUP, VPC, OTHER_VPC = "sg-0fedcba9876543210", "vpc-0a1b2c3d4e5f60718", "vpc-99999999"


def subnet(subnet_id, zone_id="use1-az1", vpc=VPC):
    return {"SubnetId": subnet_id, "VpcId": vpc, "AvailabilityZoneId": zone_id, "AvailabilityZone": "us-east-1x"}


def group(group_id, vpc=VPC):
    return {"GroupId": group_id, "VpcId": vpc, "GroupName": "agents", "Description": "agents"}


@pytest.fixture
def aws_with_ec2(stubbed_clients):
    """STS, SSM and EC2 clients with Stubbers, bootstrapped; ``client`` hands them to the preflight."""
    stubbers, clients = stubbed_clients("sts", "ssm", "ec2")
    bootstrapped(stubbers)
    return stubbers, (lambda service, region: clients[service])


def ec2_finds(stubber, subnets, groups=None, *, asked=(SUBNET_A, SUBNET_B), asked_groups=(GROUP,)):
    stubber.add_response(
        "describe_subnets", {"Subnets": subnets}, {"Filters": [{"Name": "subnet-id", "Values": list(asked)}]}
    )
    if groups is not None:
        stubber.add_response(
            "describe_security_groups",
            {"SecurityGroups": groups},
            {"Filters": [{"Name": "group-id", "Values": list(asked_groups)}]},
        )


def vpc_check(client, **vpc):
    settings = preflight.VpcSettings(**{"subnets": (SUBNET_A, SUBNET_B), "security_groups": (GROUP,), **vpc})
    return preflight.check("deploy", region=REGION, client=client, run=no_docker, machine="x86_64", vpc=settings)


def test_vpc__subnets_of_one_vpc_in_supported_zones_and_its_groups_pass(aws_with_ec2):
    stubbers, client = aws_with_ec2
    ec2_finds(stubbers["ec2"], [subnet(SUBNET_A), subnet(SUBNET_B, "use1-az4")], [group(GROUP)])

    assert vpc_check(client) == []


@pytest.mark.parametrize(
    ("subnets", "groups", "vpc", "expected"),
    [
        (
            [subnet(SUBNET_A)],
            [group(GROUP)],
            {},
            [f"vpcSubnets: {SUBNET_B} not found in this account and Region. Fix: check the ids and -c region"],
        ),
        (
            [subnet(SUBNET_A), subnet(SUBNET_B, vpc=OTHER_VPC)],
            [group(GROUP)],
            {},
            [f"vpcSubnets are in 2 VPCs ({VPC}, {OTHER_VPC}); AgentCore takes subnets of one VPC"],
        ),
        (
            [subnet(SUBNET_A), subnet(SUBNET_B)],
            [group(GROUP, vpc=OTHER_VPC)],
            {},
            [f"vpcSecurityGroups: {GROUP} not in {VPC}. Fix: name ids of the one VPC the runtime uses"],
        ),
        (
            [subnet(SUBNET_A), subnet(SUBNET_B)],
            None,
            {"security_groups": (), "vpc_id": OTHER_VPC},
            [f"vpcSubnets: {SUBNET_A}, {SUBNET_B} not in {OTHER_VPC}. Fix: name ids of the one VPC the runtime uses"],
        ),
        (
            [subnet(SUBNET_A, "use1-az3"), subnet(SUBNET_B, "use1-az6")],
            [group(GROUP)],
            {},
            [
                f"vpcSubnets: {SUBNET_A} (use1-az3), {SUBNET_B} (use1-az6) in Availability Zones where AgentCore does "
                "not support VPC mode; in us-east-1 it does in use1-az1, use1-az2, use1-az4. Fix: name subnets in "
                "those zones"
            ],
        ),
    ],
    ids=["a subnet missing", "two vpcs", "a group in another vpc", "not in vpcId", "unsupported zones"],
)
def test_vpc__says_which_ids_agentcore_would_refuse_and_why(aws_with_ec2, subnets, groups, vpc, expected):
    stubbers, client = aws_with_ec2
    ec2_finds(stubbers["ec2"], subnets, groups)

    assert vpc_check(client, **vpc) == expected


def test_vpc__ids_it_may_not_look_up_are_said_so(aws_with_ec2):
    stubbers, client = aws_with_ec2
    stubbers["ec2"].add_client_error("describe_subnets", "UnauthorizedOperation", "not allowed", 403)

    (problem,) = vpc_check(client)

    assert problem.startswith("could not check vpcSubnets and vpcSecurityGroups")
    assert "ec2:DescribeSubnets" in problem


def test_main__checks_the_vpc_the_cdk_arguments_name(checked_vpc):
    status = preflight.main(["deploy", "-c", f"vpcSubnets={SUBNET_A}", "-c", f"vpcSecurityGroups={GROUP}"])

    assert status == 0
    assert checked_vpc == [preflight.VpcSettings((SUBNET_A,), (GROUP,), None)]


@pytest.fixture
def checked_vpc(monkeypatch):
    """Records the VPC settings ``main`` hands ``check``, which reports no problem."""
    calls = []

    def check(command, region, image_build, vpc=None, **_):
        calls.append(vpc)
        return []

    monkeypatch.setattr(preflight, "check", check)
    return calls
