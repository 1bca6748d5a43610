"""The deployment settings: each read from CDK context, else its variables, else its default; each refusal says
the fix; the model id is told apart as AWS names models."""

from __future__ import annotations

import pytest

from contract.deployment import SECRET_IDS_ENV, SYSTEM_PROMPT_ENV
from contract.metrics import DEFAULT_METRICS_NAMESPACE, METRICS_NAMESPACE_ENV, RUNTIME_NAME_ENV
from infra.model_id import MODEL_PROVIDERS, ModelId
from infra.settings import CommandLineContext, ConfigurationError, DeploymentSettings
from infra.settings.checks import DEFAULT_RUNTIME_NAME

PROFILE = "eu.anthropic.claude-sonnet-4-20250514-v1:0"
SUBNET_A, SUBNET_B = "subnet-0123456789abcdef0", "subnet-89abcdef"
GROUP, VPC = "sg-0fedcba9876543210", "vpc-0a1b2c3d4e5f60718"


class CdkJson:
    """Context as cdk.json holds it: objects stay objects, booleans stay booleans."""

    def __init__(self, **values):
        self.values = values

    def try_get_context(self, key):
        return self.values.get(key)


def test_load__context_wins_over_the_environment():
    settings = DeploymentSettings.load(
        CdkJson(runtimeName="from_context"),
        {"AGENTCORE_RUNTIME_NAME": "from_env", "MODEL_ID": PROFILE, "AWS_REGION": "eu-west-1"},
    )

    assert (settings.runtime_name, settings.model_id, settings.region) == ("from_context", PROFILE, "eu-west-1")


@pytest.mark.parametrize(
    ("args", "environ", "expected"),
    [
        (["-c", "systemPrompt=Be brief."], {}, {"system_prompt": "Be brief."}),
        ([], {SYSTEM_PROMPT_ENV: "Be brief."}, {"system_prompt": "Be brief."}),
        (["-c", 'agentEnvironment={"TEAM": "search"}'], {}, {"environment": {"TEAM": "search"}}),
        ([], {"AGENTCORE_AGENT_ENVIRONMENT": '{"TEAM": "search"}'}, {"environment": {"TEAM": "search"}}),
        (["-c", 'agentSecrets={"KEY": "a/b"}'], {}, {"secrets": {"KEY": "a/b"}}),
        ([], {"AGENTCORE_AGENT_SECRETS": '{"KEY": "a/b"}'}, {"secrets": {"KEY": "a/b"}}),
        ([], {}, {"memory": True, "memory_expiry_days": 30, "image_build": "remote", "images_to_keep": 10}),
        (["-c", "memory=false"], {}, {"memory": False}),
        (["-c", "memory=false"], {"AGENTCORE_MEMORY": "true"}, {"memory": False}),
        (
            [],
            {"AGENTCORE_MEMORY": "off", "AGENTCORE_MEMORY_EXPIRY_DAYS": "90"},
            {"memory": False, "memory_expiry_days": 90},
        ),
        (["-c", "memoryExpiryDays=365"], {}, {"memory_expiry_days": 365}),
        (
            [],
            {"AGENTCORE_IMAGE_BUILD": "local", "AGENTCORE_IMAGES_TO_KEEP": "25"},
            {"image_build": "local", "images_to_keep": 25},
        ),
        ([], {"AWS_DEFAULT_REGION": "eu-west-1", "CDK_DEFAULT_REGION": "us-east-1"}, {"region": "eu-west-1"}),
        ([], {"CDK_DEFAULT_REGION": "ap-southeast-2"}, {"region": "ap-southeast-2"}),
        (
            ["-c", f"vpcSubnets={SUBNET_A}, {SUBNET_B}", "-c", f"vpcSecurityGroups={GROUP}"],
            {},
            {"vpc_subnets": (SUBNET_A, SUBNET_B), "vpc_security_groups": (GROUP,), "vpc_id": None},
        ),
        (
            [],
            {"AGENTCORE_VPC_SUBNETS": SUBNET_A, "AGENTCORE_VPC_ID": VPC, "AGENTCORE_VPC_ENDPOINTS": "true"},
            {"vpc_subnets": (SUBNET_A,), "vpc_id": VPC, "vpc_endpoints": True},
        ),
        (["-c", "endpoints=live:3, canary:latest"], {}, {"endpoints": {"live": "3", "canary": "latest"}}),
        ([], {"AGENTCORE_ENDPOINTS": "live:12"}, {"endpoints": {"live": "12"}}),
        (
            ["-c", "idleSessionTimeout=600", "-c", "maxSessionLifetime=3600", "-c", "platformVersion=V2"],
            {},
            {"idle_session_timeout": 600, "max_session_lifetime": 3600, "platform_version": "V2"},
        ),
        (
            [],
            {},
            {
                "vpc_subnets": (),
                "endpoints": {},
                "idle_session_timeout": None,
                "max_session_lifetime": None,
                "platform_version": None,
            },
        ),
    ],
    ids=[
        "prompt -c",
        "prompt env",
        "environment -c",
        "environment env",
        "secrets -c",
        "secrets env",
        "defaults",
        "memory -c",
        "memory -c over env",
        "memory and expiry env",
        "expiry -c",
        "image build env",
        "region env before the CLI's",
        "region the CLI's last",
        "vpc with own groups -c",
        "vpc with endpoints env",
        "endpoints -c",
        "endpoints env",
        "sessions and platform -c",
        "production controls unset",
    ],
)
def test_load__reads_each_setting_from_the_context_or_its_variables(args, environ, expected):
    settings = DeploymentSettings.load(CommandLineContext(args), environ)

    assert {name: getattr(settings, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-c", "systemPrompt=Be brief."], {SYSTEM_PROMPT_ENV: "Be brief."}),
        (["-c", 'agentEnvironment={"TEAM": "search"}'], {"TEAM": "search"}),
        (["-c", 'agentSecrets={"KEY": "a/b"}'], {SECRET_IDS_ENV: '{"KEY":"a/b"}'}),
        (
            ["-c", "metricsNamespace=Team/Agents", "-c", "runtimeName=search_agent"],
            {METRICS_NAMESPACE_ENV: "Team/Agents", RUNTIME_NAME_ENV: "search_agent"},
        ),
    ],
    ids=["prompt", "environment", "secrets", "metrics"],
)
def test_container_environment__holds_what_the_agent_settings_give_it(args, expected):
    metrics = {METRICS_NAMESPACE_ENV: DEFAULT_METRICS_NAMESPACE, RUNTIME_NAME_ENV: DEFAULT_RUNTIME_NAME}

    assert DeploymentSettings.load(CommandLineContext(args), {}).container_environment() == {**metrics, **expected}


def test_load__cdk_json_objects_are_taken_as_they_are():
    settings = DeploymentSettings.load(CdkJson(agentEnvironment={"TEAM": "search"}, agentSecrets={"KEY": "a/b"}), {})

    assert settings.environment == {"TEAM": "search"}
    assert settings.secrets == {"KEY": "a/b"}


@pytest.mark.parametrize(
    ("context", "fix"),
    [
        ({"runtimeName": "agentcore-streaming"}, r"runtimeName=<name>.*AGENTCORE_RUNTIME_NAME=<name> make deploy"),
        ({"runtimeName": "1agent"}, r"runtimeName=<name>.*AGENTCORE_RUNTIME_NAME=<name> make deploy"),
        ({"runtimeName": "a" * 49}, r"runtimeName=<name>.*AGENTCORE_RUNTIME_NAME=<name> make deploy"),
        ({"modelId": " "}, "model id is empty. Fix: `-c modelId=<id>`"),
        ({"modelId": "usa.anthropic.claude-sonnet-4-20250514-v1:0"}, r"neither a system inference profile.*-c modelId"),
        ({"modelId": "claude-sonnet-4"}, r"neither a system inference profile.*MODEL_ID=<id>"),
        ({"modelId": "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/x"}, "neither"),
        ({"agentEnvironment": {"MODEL_ID": "x"}}, "must not set MODEL_ID"),
        ({"agentEnvironment": {"SECRET_IDS": "{}"}}, "must not set SECRET_IDS"),
        ({"agentEnvironment": {"1BAD": "x"}}, "not an environment variable name"),
        ({"agentEnvironment": {"PORT": 8080}}, "must be a string"),
        ({"agentEnvironment": "TEAM=search"}, "must be a JSON object"),
        ({"agentEnvironment": {f"V{i}": "x" for i in range(46)}}, "at most 50"),
        ({"agentSecrets": {"KEY": "has spaces"}}, "to a Secrets Manager secret name or ARN"),
        ({"agentSecrets": {"bad-name": "a/b"}}, "a name the code reads the secret by"),
        ({"systemPrompt": "   "}, "1 to 5000 characters"),
        ({"systemPrompt": "x" * 5001}, "1 to 5000 characters"),
        ({"memory": "maybe"}, "-c memory=false"),
        ({"memoryExpiryDays": "a month"}, "-c memoryExpiryDays=30"),
        ({"memoryExpiryDays": "2"}, "3 to 365 days"),
        ({"memoryExpiryDays": "366"}, "3 to 365 days"),
        ({"imageBuild": "docker"}, "-c imageBuild=local"),
        ({"imagesToKeep": "0"}, "-c imagesToKeep=10"),
        ({"imagesToKeep": "many"}, "AGENTCORE_IMAGES_TO_KEEP=10"),
        ({"vpcSubnets": "subnet-12,subnet-0123456789abcdef0"}, r"vpcSubnets: 'subnet-12' is not an id.*-c vpcSubnets="),
        ({"vpcSubnets": "sg-01234567", "vpcId": VPC}, "vpcSubnets: 'sg-01234567' is not an id of the form subnet-"),
        ({"vpcSubnets": ",".join(f"subnet-{i:08x}" for i in range(17)), "vpcId": VPC}, "1 to 16 different ids"),
        ({"vpcSubnets": SUBNET_A, "vpcSecurityGroups": "security"}, "vpcSecurityGroups: 'security' is not an id"),
        ({"vpcSubnets": SUBNET_A, "vpcId": "vpc_1"}, r"vpcId: 'vpc_1' is not a VPC id.*-c vpcId=vpc-"),
        ({"vpcSecurityGroups": GROUP}, r"vpcSecurityGroups apply to VPC mode only.*-c vpcSubnets="),
        ({"vpcEndpoints": "true", "vpcId": VPC}, r"vpcId, vpcEndpoints apply to VPC mode only"),
        ({"vpcSubnets": SUBNET_A}, r"security group \(HTTPS out only\).*-c vpcId=vpc-.*-c vpcSecurityGroups="),
        ({"vpcSubnets": SUBNET_A, "vpcSecurityGroups": GROUP, "vpcEndpoints": "yes"}, r"VPC endpoints.*-c vpcId"),
        ({"vpcEndpoints": "perhaps"}, "-c vpcEndpoints=false"),
        ({"endpoints": "live"}, r"endpoints: endpoint 'live' has no version.*-c endpoints=live:3,canary:latest"),
        ({"endpoints": "DEFAULT:2"}, "DEFAULT always follows the latest version"),
        ({"endpoints": "pre-prod:2"}, r"endpoint name 'pre-prod' is not accepted.*-c endpoints="),
        ({"endpoints": "live:v3"}, "version 'v3' is neither a number"),
        ({"endpoints": "live:3,live:4"}, "'live' is named twice"),
        ({"idleSessionTimeout": "59"}, r"idleSessionTimeout must be a whole number of seconds from 60 to 28,800"),
        ({"maxSessionLifetime": "28801"}, r"maxSessionLifetime must be .* from 60 to 28,800"),
        ({"maxSessionLifetime": "8h"}, r"-c maxSessionLifetime=900"),
        ({"idleSessionTimeout": "3600", "maxSessionLifetime": "600"}, "exceeds maxSessionLifetime"),
        ({"platformVersion": "v2"}, r"platformVersion 'v2' is not one of V1, V2.*-c platformVersion=V2"),
    ],
    ids=lambda value: str(value)[:40] if isinstance(value, dict) else None,
)
def test_load__what_agentcore_would_refuse_stops_synth_with_the_fix(context, fix):
    with pytest.raises(ConfigurationError, match=fix):
        DeploymentSettings.load(CdkJson(**context), {})


def test_load__cdk_json_lists_and_endpoint_objects_are_taken_as_they_are():
    settings = DeploymentSettings.load(
        CdkJson(vpcSubnets=[SUBNET_A, SUBNET_B], vpcId=VPC, endpoints={"live": "3", "canary": "latest"}), {}
    )

    assert (settings.vpc_subnets, settings.endpoints) == ((SUBNET_A, SUBNET_B), {"live": "3", "canary": "latest"})


def test_settings__are_checked_however_they_are_made():
    with pytest.raises(ConfigurationError, match="runtimeName=<name>"):
        DeploymentSettings(runtime_name="has-hyphen")


def test_table__no_two_settings_share_a_context_key_or_a_variable():
    table = DeploymentSettings.table().values()
    keys = [entry.context_key for entry in table]
    variables = [variable for entry in table for variable in entry.variables]

    assert len(set(keys)) == len(keys)
    assert len(set(variables)) == len(variables)


@pytest.mark.parametrize(
    ("model_id", "geo", "foundation_model"),
    [
        ("us.anthropic.claude-sonnet-4-20250514-v1:0", "us", "anthropic.claude-sonnet-4-20250514-v1:0"),
        ("us-gov.anthropic.claude-3-haiku-20240307-v1:0", "us-gov", "anthropic.claude-3-haiku-20240307-v1:0"),
        ("global.amazon.nova-2-lite-v1:0", "global", "amazon.nova-2-lite-v1:0"),
        ("us.openai.gpt-5.4", "us", "openai.gpt-5.4"),
        ("anthropic.claude-3-haiku-20240307-v1:0", None, "anthropic.claude-3-haiku-20240307-v1:0"),
        ("openai.gpt-5.4", None, "openai.gpt-5.4"),
    ],
)
def test_model_id__tells_an_inference_profile_from_a_foundation_model(model_id, geo, foundation_model):
    parsed = ModelId.parse(model_id)

    assert (parsed.geo, parsed.foundation_model, parsed.is_inference_profile) == (geo, foundation_model, bool(geo))


@pytest.mark.parametrize("model_id", ["eu.x.y", "us.anthropic", "anthropic", "apac.unknown.model", "", "us..x"])
def test_model_id__refuses_what_is_neither_naming_both_forms(model_id):
    with pytest.raises(ValueError, match=r"neither a system inference profile \(<geo>\.<provider>\.<model>"):
        ModelId.parse(model_id)


def test_model_providers__are_every_provider_of_aws_cdk_libs_model_list():
    from aws_cdk import aws_bedrock as bedrock

    known = {
        getattr(bedrock.FoundationModelIdentifier, name).model_id.split(".")[0]
        for name in dir(bedrock.FoundationModelIdentifier)
        if name.isupper()
    }

    assert known == MODEL_PROVIDERS


OKTA = "https://login.example.com/oauth2/default/.well-known/openid-configuration"


@pytest.mark.parametrize(
    ("args", "environ", "expected"),
    [
        ([], {}, {"auth": "iam", "jwt_discovery_url": None, "jwt_allowed_clients": ()}),
        (["-c", "auth=cognito"], {}, {"auth": "cognito"}),
        ([], {"AGENTCORE_AUTH": "cognito"}, {"auth": "cognito"}),
        (
            ["-c", "auth=jwt", "-c", f"jwtDiscoveryUrl={OKTA}", "-c", "jwtAllowedClients=web, cli,"],
            {},
            {"auth": "jwt", "jwt_discovery_url": OKTA, "jwt_allowed_clients": ("web", "cli")},
        ),
        (
            [],
            {
                "AGENTCORE_AUTH": "jwt",
                "AGENTCORE_JWT_DISCOVERY_URL": OKTA,
                "AGENTCORE_JWT_ALLOWED_AUDIENCE": "api://agent",
            },
            {"auth": "jwt", "jwt_allowed_audience": ("api://agent",), "jwt_allowed_clients": ()},
        ),
    ],
    ids=["iam by default", "cognito -c", "cognito env", "jwt -c", "jwt env"],
)
def test_load__reads_the_auth_settings_from_the_context_or_their_variables(args, environ, expected):
    settings = DeploymentSettings.load(CommandLineContext(args), environ)

    assert {name: getattr(settings, name) for name in expected} == expected


def test_load__jwt_clients_may_be_a_list_in_cdk_json():
    settings = DeploymentSettings.load(CdkJson(auth="jwt", jwtDiscoveryUrl=OKTA, jwtAllowedClients=["web", "cli"]), {})

    assert settings.jwt_allowed_clients == ("web", "cli")


@pytest.mark.parametrize(
    ("context", "fix"),
    [
        ({"auth": "oauth"}, r"auth 'oauth' is unknown\. Fix: `-c auth=iam`.*`-c auth=cognito`.*`-c auth=jwt`"),
        ({"auth": "jwt", "jwtAllowedClients": "web"}, r"auth=jwt needs .*discovery URL\. Fix: `-c jwtDiscoveryUrl="),
        ({"auth": "jwt", "jwtDiscoveryUrl": OKTA}, r"Fix: `-c jwtAllowedClients=<app client id>.*jwtAllowedAudience"),
        (
            {"auth": "jwt", "jwtDiscoveryUrl": OKTA.replace("https", "http"), "jwtAllowedClients": "web"},
            r"jwtDiscoveryUrl: .* is not an https URL\. Fix:",
        ),
        (
            {"auth": "jwt", "jwtDiscoveryUrl": "https://login.example.com/oauth2", "jwtAllowedClients": "web"},
            r"is not a discovery URL.*Fix: `-c jwtDiscoveryUrl=https://",
        ),
        (
            {"auth": "jwt", "jwtDiscoveryUrl": "http://127.0.0.1:9000/.well-known/openid-configuration"},
            r"is not an https URL",
        ),
        ({"auth": "cognito", "jwtAllowedClients": "web"}, r"jwtAllowedClients applies to auth=jwt only.*auth=jwt"),
        ({"jwtDiscoveryUrl": OKTA}, r"jwtDiscoveryUrl applies to auth=jwt only, and auth is 'iam'"),
    ],
    ids=[
        "unknown mode",
        "no discovery URL",
        "neither clients nor audience",
        "plain http",
        "not a discovery URL",
        "loopback is not for AgentCore",
        "jwt settings with cognito",
        "jwt settings with iam",
    ],
)
def test_load__an_auth_setting_that_cannot_work_stops_synth_with_the_fix(context, fix):
    with pytest.raises(ConfigurationError, match=fix):
        DeploymentSettings.load(CdkJson(**context), {})
