"""Check what ``cdk deploy`` / ``cdk destroy`` need before starting them: ``python -m infra.preflight deploy|destroy``.

Each problem is one line: what is wrong, then the exact command that fixes it. Exit status 1 when any is found.
Arguments after the command are the ones ``cdk`` gets (``make deploy CDK_ARGS=...``): ``-c imageBuild=local`` asks for
the local Docker build, and only then is Docker checked; ``-c vpcSubnets=...`` asks for VPC mode, and only then are
the subnets and security groups checked (``infra/network_preflight.py``).
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from infra import network_preflight
from infra.network_preflight import VpcSettings
from infra.settings import (
    CDK_REGION_VARIABLE,
    IMAGE_BUILD_LOCAL,
    IMAGE_BUILD_REMOTE,
    deployment_region,
    read_settings,
)

NO_REGION = "no AWS Region is configured. Fix: export AWS_REGION=us-east-1 (or any Region with AgentCore)"
NO_CREDENTIALS = (
    "no AWS credentials found. Fix: aws configure (or aws sso login --profile NAME && export AWS_PROFILE=NAME)"
)
REFUSED_CREDENTIALS = "AWS credentials were refused{why}. Fix: aws sso login, or renew them with aws configure"
CDK_REGION_IGNORED = (
    f"{CDK_REGION_VARIABLE} is set, but the CDK CLI replaces it with the Region it finds itself (AWS_REGION, "
    "AWS_DEFAULT_REGION, the profile's, else us-east-1) before the app sees it"
)
"""The verdicts on account and Region, word for word the same wherever they are given: here, in the CDK app before
CDK's own error, and when ``make local`` starts."""

BOOTSTRAP_VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"
"""Written by ``cdk bootstrap`` with the default qualifier; the CDK CLI reads the same parameter."""

_IMAGE_BUILD_WHERE = {
    IMAGE_BUILD_REMOTE: "remote, in AWS CodeBuild; no Docker needed",
    IMAGE_BUILD_LOCAL: "local, with this machine's Docker",
}

Run = Callable[[Sequence[str]], subprocess.CompletedProcess]
ClientFactory = Callable[[str, str | None], Any]


def has_credentials() -> bool:
    """Whether boto3 finds any AWS credentials here, without asking AWS whether it accepts them."""
    try:
        return boto3.session.Session().get_credentials() is not None
    except BotoCoreError:  # a profile that does not exist, a broken config: none that work
        return False


def _run(command: Sequence[str]) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), capture_output=True, text=True, timeout=60, check=False)  # noqa: S603


def _client(service: str, region: str | None) -> Any:
    return boto3.client(service, region_name=region)


def check(
    command: str,
    *,
    region: str | None,
    image_build: str = IMAGE_BUILD_REMOTE,
    client: ClientFactory = _client,
    run: Run = _run,
    machine: str | None = None,
    vpc: VpcSettings | None = None,
) -> list[str]:
    """Return the problems that would make ``cdk <command>`` fail; an empty list means go.

    A remote build (the default) needs no Docker on this machine: CodeBuild builds the image during the deploy. In VPC
    mode (``vpc``) the subnets and security groups are looked up with the same credentials.
    """
    problems: list[str] = []
    if not region:
        problems.append(NO_REGION)
    account = _account(client, region, problems)
    if command == "deploy":
        if image_build == IMAGE_BUILD_LOCAL:
            problems += _docker_problems(run, machine or platform.machine())
        if account and region:
            problems += _bootstrap_problems(client, account, region)
            if vpc is not None:
                problems += network_preflight.problems(client("ec2", region), region, vpc)
    return problems


def _account(client: ClientFactory, region: str | None, problems: list[str]) -> str | None:
    try:
        return client("sts", region).get_caller_identity()["Account"]
    except NoCredentialsError:
        problems.append(NO_CREDENTIALS)
    except (ClientError, BotoCoreError) as error:
        problems.append(REFUSED_CREDENTIALS.format(why=f" ({error})"))
    return None


def _docker_problems(run: Run, machine: str) -> list[str]:
    try:
        info = run(["docker", "info"])
    except (OSError, subprocess.SubprocessError):
        info = None
    if info is None or info.returncode != 0:
        return [
            "Docker is not installed or not running; the local image build (imageBuild=local) needs it. "
            "Fix: install Docker (https://docs.docker.com/get-docker/) and start it, e.g. sudo systemctl start docker, "
            "or build in AWS instead: drop -c imageBuild=local / AGENTCORE_IMAGE_BUILD=local"
        ]
    if machine.lower() in ("arm64", "aarch64"):
        return []
    buildx = run(["docker", "buildx", "inspect", "--bootstrap"])
    if buildx.returncode == 0 and "linux/arm64" in buildx.stdout:
        return []
    return [
        "Docker on this x86_64 machine cannot build linux/arm64 images (AgentCore runs arm64 only). "
        "Fix: docker run --privileged --rm tonistiigi/binfmt --install arm64"
    ]


def _bootstrap_problems(client: ClientFactory, account: str, region: str) -> list[str]:
    try:
        client("ssm", region).get_parameter(Name=BOOTSTRAP_VERSION_PARAMETER)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ParameterNotFound":
            return [f"could not check the CDK bootstrap ({error}). Fix: grant ssm:GetParameter, or run it anyway"]
        return [f"CDK is not bootstrapped in aws://{account}/{region}. Fix: npx cdk bootstrap aws://{account}/{region}"]
    return []


def main(argv: Sequence[str] | None = None, *, client: ClientFactory = _client) -> int:
    """Print each problem on its own line; exit 1 if there is any. ``client`` makes the STS, SSM and EC2 clients."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("deploy", "destroy"):
        print("usage: python -m infra.preflight deploy|destroy [cdk arguments]", file=sys.stderr)
        return 2
    command, cdk_args = args[0], args[1:]
    read = read_settings("preflight", cdk_args)
    if read is None:
        return 1
    context, settings = read
    region = deployment_region(context)
    vpc = (
        VpcSettings(settings.vpc_subnets, settings.vpc_security_groups, settings.vpc_id)
        if settings.vpc_subnets
        else None
    )
    problems = check(command, region=region, image_build=settings.image_build, client=client, vpc=vpc)
    for problem in problems:
        print(f"preflight: {problem}", file=sys.stderr)
    if not region and os.environ.get(CDK_REGION_VARIABLE):
        print(f"preflight: {CDK_REGION_IGNORED}", file=sys.stderr)
    if not problems:
        how = "" if command == "destroy" else f"; image build: {_IMAGE_BUILD_WHERE[settings.image_build]}"
        print(f"preflight: ready to {command} stack {settings.stack_name} in {region}{how}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
