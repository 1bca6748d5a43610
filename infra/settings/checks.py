"""What each deployment setting refuses, because AgentCore or CloudFormation would refuse it minutes into a deploy.

Each check returns what is wrong and the fix, in one line, or None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from contract.agentcore import SESSION_LIFECYCLE_SECONDS, runtime_name_problem
from contract.auth import (
    AUTH_ALLOWED_AUDIENCES_ENV,
    AUTH_ALLOWED_CLIENTS_ENV,
    AUTH_DISCOVERY_URL_ENV,
    AUTH_JWT,
    AUTH_MODES,
    discovery_url_problem,
)
from contract.deployment import (
    DEFAULT_MODEL_ID,
    MEMORY_ID_ENV,
    MODEL_ID_ENV,
    MODEL_REGION_ENV,
    SECRET_IDS_ENV,
    SYSTEM_PROMPT_ENV,
)
from contract.metrics import METRICS_NAMESPACE_ENV, RUNTIME_NAME_ENV, namespace_problem
from infra.model_id import ModelId

DEFAULT_RUNTIME_NAME = "agentcore_streaming_agent"
IMAGE_BUILD_REMOTE = "remote"
"""Build the image in AWS CodeBuild at deploy time: no Docker engine on this machine."""
IMAGE_BUILD_LOCAL = "local"
"""Build the image with this machine's Docker, as a CDK image asset."""
IMAGE_BUILD_MODES = (IMAGE_BUILD_REMOTE, IMAGE_BUILD_LOCAL)
DEFAULT_IMAGES_TO_KEEP = 10
MEMORY_EXPIRY_DAYS = (3, 365)
"""``EventExpiryDuration`` bounds of an AgentCore Memory, in days (the CloudFormation resource schema)."""
DEFAULT_MEMORY_EXPIRY_DAYS = 30

STACK_VARIABLES = frozenset(
    {MODEL_ID_ENV, MODEL_REGION_ENV, MEMORY_ID_ENV, SYSTEM_PROMPT_ENV, SECRET_IDS_ENV}
    | {METRICS_NAMESPACE_ENV, RUNTIME_NAME_ENV}
    | {AUTH_DISCOVERY_URL_ENV, AUTH_ALLOWED_CLIENTS_ENV, AUTH_ALLOWED_AUDIENCES_ENV}
)
"""The container's variables the stack sets from its own settings; ``agentEnvironment`` may not set them."""
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
MAX_VARIABLES = 50
MAX_VALUE_CHARS = 5000
"""``CreateAgentRuntime``'s ``environmentVariables``: at most 50, names of 1-100 characters, values of at most 5,000
(botocore's service model)."""
SECRET_ID = re.compile(r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+|[\w/+=.@-]{1,512}")
"""A Secrets Manager secret's name, or its ARN (the complete one, with the 6 characters the service appends)."""


def runtime_name(name: str) -> str | None:
    """A name ``CreateAgentRuntime`` takes."""
    problem = runtime_name_problem(name)
    if not problem:
        return None
    return (
        f"{problem}. Fix: pick a name such as {DEFAULT_RUNTIME_NAME!r} and pass it with "
        '`make deploy CDK_ARGS="-c runtimeName=<name>"` or `AGENTCORE_RUNTIME_NAME=<name> make deploy`.'
    )


def model_id(model: str) -> str | None:
    """A system inference profile or a foundation model id, of a geography and provider Bedrock has."""
    if not model.strip():
        return "model id is empty. Fix: `-c modelId=<id>` or `MODEL_ID=<id>`, or leave both unset."
    try:
        ModelId.parse(model)
    except ValueError as error:
        return (
            f"{error}. Fix: pass one with `-c modelId=<id>` or `MODEL_ID=<id>`, e.g. {DEFAULT_MODEL_ID}; a "
            "geography or provider Bedrock added since is one more name in infra/model_id.py."
        )
    return None


def image_build(mode: str) -> str | None:
    """One of the two build modes."""
    if mode in IMAGE_BUILD_MODES:
        return None
    return (
        f"image build {mode!r} is unknown. Fix: `-c imageBuild=remote` (CodeBuild, the default) "
        "or `-c imageBuild=local` (this machine's Docker), or AGENTCORE_IMAGE_BUILD=remote|local."
    )


def images_to_keep(count: object) -> str | None:
    """A whole number of at least 1."""
    if isinstance(count, int) and not isinstance(count, bool) and count >= 1:
        return None
    return (
        f"images to keep must be a whole number of at least 1, not {count!r}. "
        f"Fix: `-c imagesToKeep=10` or AGENTCORE_IMAGES_TO_KEEP=10 (default {DEFAULT_IMAGES_TO_KEEP})."
    )


def memory_expiry_days(count: int) -> str | None:
    """Within what AgentCore Memory keeps."""
    low, high = MEMORY_EXPIRY_DAYS
    if low <= count <= high:
        return None
    return (
        f"memory expiry of {count} days is outside what AgentCore Memory keeps ({low} to {high} days). "
        "Fix: `-c memoryExpiryDays=30` or `AGENTCORE_MEMORY_EXPIRY_DAYS=30`."
    )


def system_prompt(prompt: str | None) -> str | None:
    """Unset, or 1 to 5,000 characters: the container gets it as an environment variable."""
    if prompt is None or 0 < len(prompt.strip()) <= MAX_VALUE_CHARS:
        return None
    return (
        f"the system prompt must hold 1 to {MAX_VALUE_CHARS} characters (AgentCore's limit for an environment "
        f"variable), not {len(prompt)}. Fix: shorten `systemPrompt`, or leave it unset for the agent's own."
    )


def environment(variables: Mapping[str, object]) -> str | None:
    """Variable names and values AgentCore takes, none the stack sets itself, within AgentCore's count."""
    for name, value in variables.items():
        if not VARIABLE_NAME.fullmatch(name):
            return (
                f"agentEnvironment: {name!r} is not an environment variable name (letters, digits and _, not "
                "starting with a digit, at most 100). Fix: rename it in agentEnvironment."
            )
        if name in STACK_VARIABLES:
            return (
                f"agentEnvironment must not set {name}, which the stack sets from its own settings. Fix: use "
                "modelId, systemPrompt or agentSecrets (the README's DeploymentSettings table) and remove it there."
            )
        if not isinstance(value, str) or len(value) > MAX_VALUE_CHARS:
            return (
                f"agentEnvironment: {name} must be a string of at most {MAX_VALUE_CHARS} characters. Fix: quote "
                f'it in cdk.json ("{name}": "...").'
            )
    if len(variables) + len(STACK_VARIABLES) > MAX_VARIABLES:
        return (
            f"agentEnvironment sets {len(variables)} variables; with the stack's own, AgentCore takes at most "
            f"{MAX_VARIABLES}. Fix: pass fewer."
        )
    return None


def secrets(ids: Mapping[str, str]) -> str | None:
    """Names the code reads a secret by, each mapped to a Secrets Manager secret name or ARN."""
    for name, secret_id in ids.items():
        if not VARIABLE_NAME.fullmatch(name) or not SECRET_ID.fullmatch(secret_id):
            return (
                f"agentSecrets entry {name!r}: {secret_id!r} must map a name the code reads the secret by "
                "(letters, digits and _) to a Secrets Manager secret name or ARN. Fix: "
                '"agentSecrets": {"WEATHER_API_KEY": "my-agent/weather-api-key"} in cdk.json\'s context.'
            )
    return None


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
"""An address SNS can send a subscription confirmation to: something@domain.tld, nothing more is checked."""


def metrics_namespace(namespace: str) -> str | None:
    """A namespace CloudWatch takes for the records' metrics."""
    problem = namespace_problem(namespace)
    if not problem:
        return None
    return f"{problem}. Fix: `-c metricsNamespace=MyAgents` or leave it unset for the default."


def alarm_email(address: str | None) -> str | None:
    """Unset, or one e-mail address."""
    if address is None or EMAIL.fullmatch(address):
        return None
    return (
        f"alarmEmail {address!r} is not an e-mail address. Fix: `-c alarmEmail=ops@example.com`, or leave it unset "
        "and subscribe to the stack's AlarmTopicArn output yourself."
    )


def percent(context_key: str) -> Callable[[object], str | None]:
    """A number above 0 and at most 100."""

    def check(value: object) -> str | None:
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 100:
            return None
        return f"{context_key} must be a percentage above 0 and at most 100, not {value!r}. Fix: `-c {context_key}=5`."

    return check


def at_least_one(context_key: str) -> Callable[[object], str | None]:
    """A whole number of at least 1."""

    def check(value: object) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return None
        return f"{context_key} must be a whole number of at least 1, not {value!r}. Fix: `-c {context_key}=1`."

    return check


VPC_IDS = {
    "vpcSubnets": re.compile(r"subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?"),
    "vpcSecurityGroups": re.compile(r"sg-[0-9a-f]{8}(?:[0-9a-f]{9})?"),
}
"""The ids each VPC list setting takes: the prefix, then 8 or 17 hexadecimal digits, as EC2 writes them."""
VPC_ID = re.compile(r"vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?")
MAX_VPC_IDS = 16
"""``networkModeConfig`` takes 1 to 16 subnets and 1 to 16 security groups (botocore's service model)."""
PLATFORM_VERSIONS = ("V1", "V2")
"""AgentCore Runtime's platform versions: V1 (the create-time default, per aws-cdk-lib) or V2 (snapshot restore)."""


def vpc_ids(context_key: str) -> Callable[[tuple[str, ...]], str | None]:
    """The check of a comma-separated list of subnet or security group ids."""
    pattern = VPC_IDS[context_key]
    example = pattern.pattern.split("-")[0] + "-0123456789abcdef0"

    def check(ids: tuple[str, ...]) -> str | None:
        malformed = [item for item in ids if not pattern.fullmatch(item)]
        if malformed:
            return (
                f"{context_key}: {', '.join(repr(item) for item in malformed)} is not an id of the form {example}. "
                f"Fix: `-c {context_key}={example},...` with the ids the EC2 console lists."
            )
        if len(ids) > MAX_VPC_IDS or len(set(ids)) != len(ids):
            return f"{context_key} takes 1 to {MAX_VPC_IDS} different ids, not {len(ids)}. Fix: name fewer."
        return None

    return check


def vpc_id(value: str | None) -> str | None:
    """Unset, or a VPC id."""
    if value is None or VPC_ID.fullmatch(value):
        return None
    return f"vpcId: {value!r} is not a VPC id of the form vpc-0123456789abcdef0. Fix: `-c vpcId=vpc-...`."


def network(subnets: tuple[str, ...], security_groups: tuple[str, ...], vpc: str | None, endpoints: bool) -> str | None:
    """The VPC settings together: the others mean something only with subnets, and what the stack creates needs a VPC.

    The VPC the subnets are in is not looked up (synth works offline, without credentials): when the stack creates
    the runtime's security group or the VPC endpoints, ``vpcId`` names it, and the preflight checks it.
    """
    if not subnets:
        given = [key for key, value in (("vpcSecurityGroups", security_groups), ("vpcId", vpc)) if value]
        given += ["vpcEndpoints"] if endpoints else []
        if given:
            return (
                f"{', '.join(given)} apply to VPC mode only, which vpcSubnets turns on. Fix: add "
                "`-c vpcSubnets=subnet-...,subnet-...`, or drop them for the PUBLIC network."
            )
        return None
    if vpc is None and (not security_groups or endpoints):
        needs = "the VPC endpoints" if endpoints else "the runtime's security group (HTTPS out only)"
        return (
            f"the stack creates {needs} in the subnets' VPC, which synth does not look up. Fix: add "
            "`-c vpcId=vpc-...` (the VPC of vpcSubnets)"
            + ("." if endpoints else ", or pass your own `-c vpcSecurityGroups=sg-...`.")
        )
    return None


def session_seconds(context_key: str) -> Callable[[object], str | None]:
    """The check of a session lifetime setting: unset, or a whole number of seconds AgentCore takes."""
    low, high = SESSION_LIFECYCLE_SECONDS

    def check(seconds: object) -> str | None:
        if seconds is None or (isinstance(seconds, int) and not isinstance(seconds, bool) and low <= seconds <= high):
            return None
        return (
            f"{context_key} must be a whole number of seconds from {low} to {high:,} (AgentCore's range for a "
            f"runtime on microVMs), not {seconds!r}. Fix: `-c {context_key}=900`, or leave it unset."
        )

    return check


def session_lifecycle(idle: int | None, lifetime: int | None) -> str | None:
    """An idle timeout no longer than the session's whole life, which AgentCore refuses."""
    if idle is None or lifetime is None or idle <= lifetime:
        return None
    return (
        f"idleSessionTimeout ({idle} s) exceeds maxSessionLifetime ({lifetime} s), which AgentCore refuses. Fix: "
        "lower idleSessionTimeout or raise maxSessionLifetime."
    )


def platform_version(version: str | None) -> str | None:
    """Unset (AgentCore's default), or one of AgentCore's platform versions."""
    if version is None or version in PLATFORM_VERSIONS:
        return None
    return (
        f"platformVersion {version!r} is not one of {', '.join(PLATFORM_VERSIONS)}. Fix: `-c platformVersion=V2` "
        "(sessions restored from a snapshot), or leave it unset."
    )


def auth(mode: str) -> str | None:
    """One of the modes: ``iam``, ``cognito`` or ``jwt``."""
    fix = (
        "Fix: `-c auth=iam` (AWS credentials, the default), `-c auth=cognito` (users of a user pool the stack "
        "creates) or `-c auth=jwt` (users of your OpenID Connect provider), or AGENTCORE_AUTH."
    )
    return None if mode in AUTH_MODES else f"auth {mode!r} is unknown. {fix}"


def jwt_discovery_url(url: str | None) -> str | None:
    """Unset, or an https OpenID Connect discovery URL AgentCore can fetch."""
    problem = None if url is None else discovery_url_problem(url, loopback_http=False)
    if not problem:
        return None
    return (
        f"jwtDiscoveryUrl: {problem}. Fix: `-c jwtDiscoveryUrl=https://<your provider>/.well-known/"
        "openid-configuration`, the provider's own (AgentCore fetches it over the internet)."
    )


def authorizer(
    mode: str, discovery_url: str | None, allowed_clients: tuple[str, ...], allowed_audience: tuple[str, ...]
) -> str | None:
    """The ``jwt`` settings together: ``auth=jwt`` needs a discovery URL and a client or audience, no other mode any."""
    given = [
        key
        for key, value in (
            ("jwtDiscoveryUrl", discovery_url),
            ("jwtAllowedClients", allowed_clients),
            ("jwtAllowedAudience", allowed_audience),
        )
        if value
    ]
    if mode != AUTH_JWT:
        if not given:
            return None
        return (
            f"{', '.join(given)} {'applies' if len(given) == 1 else 'apply'} to auth=jwt only, and auth is {mode!r}. "
            f"Fix: add `-c auth=jwt`, or drop {', '.join(given)}."
        )
    if discovery_url is None:
        return (
            "auth=jwt needs the provider's discovery URL. Fix: `-c jwtDiscoveryUrl=https://<your provider>/"
            ".well-known/openid-configuration`."
        )
    if not allowed_clients and not allowed_audience:
        return (
            "auth=jwt needs the app clients (or audiences) whose tokens the runtime takes, or any token of the "
            "provider would do. Fix: `-c jwtAllowedClients=<app client id>[,<another>]` and/or "
            "`-c jwtAllowedAudience=<audience>[,<another>]`."
        )
    return None
