"""Fixtures for the infrastructure tests: stubbed AWS clients, synthesized stacks, no AWS account, no Docker."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

# One attempt per call: each stubbed response or error is what the handler sees, with no retry in between.
NO_RETRIES = Config(retries={"mode": "standard", "max_attempts": 1})


def stubbed_client(service: str) -> boto3.client:
    return boto3.client(
        service,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - a dummy; the Stubber answers before anything is signed
        config=NO_RETRIES,
    )


@pytest.fixture
def control():
    """A real bedrock-agentcore-control client; pair it with ``stubber``."""
    return stubbed_client("bedrock-agentcore-control")


@pytest.fixture
def stubber(control) -> Iterator[Stubber]:
    """Validates every request against the service model and fails the test on unexpected or missing calls."""
    with Stubber(control) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def stubbed_clients():
    """Make real clients of the services named, each behind an active Stubber that must be used up by the test's end.

    ``stubbers, clients = stubbed_clients("sts", "ssm")``: both keyed by service name.
    """
    made: list[Stubber] = []

    def make(*services: str) -> tuple[dict[str, Stubber], dict[str, boto3.client]]:
        clients = {service: stubbed_client(service) for service in services}
        stubbers = {service: Stubber(client) for service, client in clients.items()}
        for stub in stubbers.values():
            stub.activate()
            made.append(stub)
        return stubbers, clients

    yield make
    for stub in made:
        stub.assert_no_pending_responses()


ACCOUNT = "123456789012"
REGION = "us-east-1"


@pytest.fixture
def aws_config(monkeypatch, tmp_path):
    """No Region, profile or credentials from this machine: an empty AWS config file the test may write a profile to."""
    for name in (
        *("AWS_REGION", "AWS_DEFAULT_REGION", "CDK_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"),
        *("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "CDK_DEFAULT_ACCOUNT"),
        *("AGENTCORE_STACK_NAME", "AGENTCORE_IMAGE_BUILD"),
    ):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "aws-config"
    config.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return config


def offline_env(tmp_path: Path) -> dict[str, str]:
    """This machine's PATH (node for jsii), and nothing that names an AWS account, Region or profile."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def build_app(outdir: str, *, bundle: bool, flags: dict | None = None, **settings: str):
    """A CDK app with the stack, for a fixed account and Region; ``bundle=False`` skips Lambda bundling."""
    import aws_cdk as cdk

    from infra.settings import DeploymentSettings
    from infra.stack import AgentCoreStack

    context = {**(flags or {}), **({} if bundle else {"aws:cdk:bundling-stacks": []})}
    app = cdk.App(outdir=outdir, context=context)
    stack = AgentCoreStack(
        app,
        "AgentCoreTest",
        settings=DeploymentSettings(**settings),
        env=cdk.Environment(account=ACCOUNT, region=REGION),
    )
    return app, stack


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory):
    """The stack (remote image build, the default) synthesized once, with the real local bundling of the handler."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    app, stack = build_app(str(outdir), bundle=True)
    assembly = app.synth()
    return stack, assembly, outdir


@pytest.fixture(scope="session")
def synthesized_local(tmp_path_factory):
    """The stack with the local Docker image build (``imageBuild=local``), synthesized once without bundling."""
    outdir = tmp_path_factory.mktemp("cdk.out.local")
    app, stack = build_app(str(outdir), bundle=False, image_build="local")
    assembly = app.synth()
    return stack, assembly, outdir


@pytest.fixture(scope="session")
def synthesized_without_memory(tmp_path_factory):
    """The stack without a conversation memory (``memory=false``), synthesized once without bundling."""
    outdir = tmp_path_factory.mktemp("cdk.out.nomemory")
    app, stack = build_app(str(outdir), bundle=False, memory=False)
    assembly = app.synth()
    return stack, assembly, outdir


SUBNETS = ("subnet-0123456789abcdef0", "subnet-89abcdef")
PRODUCTION = {
    "vpc_subnets": SUBNETS,
    "vpc_id": "vpc-0a1b2c3d4e5f60718",
    "vpc_endpoints": True,
    "endpoints": {"live": "1", "canary": "latest"},
    "idle_session_timeout": 600,
    "max_session_lifetime": 3600,
    "platform_version": "V2",
}
"""Every production control at once: VPC with the stack's security group and endpoints, named endpoints, session
lifecycle, platform V2 with the warm-up hook."""
VPC_OWN_GROUPS = {"vpc_subnets": SUBNETS, "vpc_security_groups": ("sg-0fedcba9876543210",)}


def synthesized_once(tmp_path_factory, name: str, **settings):
    """``(stack, assembly, outdir)`` of the stack with ``settings``, synthesized without bundling."""
    outdir = tmp_path_factory.mktemp(f"cdk.out.{name}")
    app, stack = build_app(str(outdir), bundle=False, **settings)
    return stack, app.synth(), outdir


@pytest.fixture(scope="session")
def synthesized_production(tmp_path_factory):
    """The stack with every production control (``PRODUCTION``)."""
    return synthesized_once(tmp_path_factory, "production", **PRODUCTION)


@pytest.fixture(scope="session")
def synthesized_vpc_own_groups(tmp_path_factory):
    """The stack in the user's VPC with the user's own security groups."""
    return synthesized_once(tmp_path_factory, "vpc", **VPC_OWN_GROUPS)


JWT_SETTINGS = {
    "auth": "jwt",
    "jwt_discovery_url": "https://login.example.com/oauth2/default/.well-known/openid-configuration",
    "jwt_allowed_clients": ("0oa1b2c3d4e5",),
    "jwt_allowed_audience": ("api://agent",),
}
"""A deployment whose users sign in to their own OpenID Connect provider (``auth=jwt``)."""


@pytest.fixture(scope="session")
def synthesized_cognito(tmp_path_factory):
    """The stack whose users sign in to a Cognito user pool it creates (``auth=cognito``)."""
    return synthesized_once(tmp_path_factory, "cognito", auth="cognito")


@pytest.fixture(scope="session")
def synthesized_jwt(tmp_path_factory):
    """The stack whose users sign in to another provider (``auth=jwt``)."""
    return synthesized_once(tmp_path_factory, "jwt", **JWT_SETTINGS)


@pytest.fixture(scope="session")
def template(synthesized):
    from aws_cdk.assertions import Template

    stack, _, _ = synthesized
    return Template.from_stack(stack)


@pytest.fixture
def clients(control):
    """The handler's clients: the stubbed control plane, and a logs client the Stubber tests never reach."""
    from infra.runtime.handler.handler import Clients

    return Clients(control=control, logs=stubbed_client("logs"))


@pytest.fixture(scope="session")
def template_local(synthesized_local):
    from aws_cdk.assertions import Template

    stack, _, _ = synthesized_local
    return Template.from_stack(stack)


@pytest.fixture(params=["remote", "local"])
def mode_template(request):
    """``(mode, template)`` for each image build mode: what must hold in both."""
    return request.param, request.getfixturevalue("template" if request.param == "remote" else "template_local")


@pytest.fixture(scope="session")
def stack_templates(tmp_path_factory):
    """The stack's template per runtime name, for the handlers' IAM policies in the lifecycle tests."""
    from tests.infra.runtime.handler.handler_policies import StackTemplates

    return StackTemplates(tmp_path_factory.mktemp("cdk.out.names"))


@pytest.fixture(scope="session")
def template_without_monitoring(tmp_path_factory):
    """The stack with ``-c dashboard=false -c alarms=false``, synthesized once without bundling."""
    from aws_cdk.assertions import Template

    outdir = tmp_path_factory.mktemp("cdk.out.nomonitoring")
    app, stack = build_app(str(outdir), bundle=False, dashboard=False, alarms=False)
    app.synth()
    return Template.from_stack(stack)
