"""``DeploymentSettings``: the one table of deployment settings, each read from CDK context, else the environment.

``make deploy CDK_ARGS="-c runtimeName=my_agent"`` and ``AGENTCORE_RUNTIME_NAME=my_agent make deploy`` do the same.
Free of ``aws_cdk``: the preflight, ``make destroy`` and ``make local`` read the settings without starting jsii.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from contract.agentcore import SESSION_LIFECYCLE_SECONDS
from contract.auth import AUTH_IAM, AUTH_JWT
from contract.deployment import (
    DEFAULT_MODEL_ID,
    DEFAULT_STACK_NAME,
    MODEL_ID_ENV,
    SECRET_IDS_ENV,
    STACK_NAME_ENV,
    SYSTEM_PROMPT_ENV,
)
from contract.endpoints import CONTEXT_KEY as ENDPOINTS_CONTEXT_KEY
from contract.metrics import DEFAULT_METRICS_NAMESPACE, METRICS_NAMESPACE_ENV, RUNTIME_NAME_ENV
from infra.auth.authorizer import JwtAuthorizer
from infra.settings import checks
from infra.settings.setting import (
    Check,
    ConfigurationError,
    Setting,
    comma_separated,
    days,
    endpoint_versions,
    flag,
    json_object,
    number,
    setting,
    whole_number,
)

if TYPE_CHECKING:
    from infra.settings.context import Context

CDK_REGION_VARIABLE = "CDK_DEFAULT_REGION"
"""Set by the CDK CLI for the app, always, to the Region it resolved itself: a value exported in the shell never
reaches the app under ``cdk``."""


def _at_least_one(default: int, context_key: str, doc: str) -> Any:
    """A setting that is a whole number of at least 1 (an alarm's threshold)."""
    return setting(
        default, context_key=context_key, doc=doc, parse=whole_number, check=checks.at_least_one(context_key)
    )


def session_seconds(context_key: str, doc: str, *, default: int) -> Any:
    """A field of ``lifecycleConfiguration``: unset by default (AgentCore's ``default`` applies), seconds when set."""
    return setting(
        None,
        context_key=context_key,
        doc=doc,
        parse=whole_number,
        check=checks.session_seconds(context_key),
        form="{} to {:,}".format(*SESSION_LIFECYCLE_SECONDS),
        default_doc=f"AgentCore's: {default:,}",
    )


def _names(context_key: str, doc: str, *, check: Check | None = None, default_doc: str = "none") -> Any:
    """A setting that is a list of names or ids, comma-separated (or a list in cdk.json); empty by default."""
    return setting(
        default_factory=tuple,
        context_key=context_key,
        doc=doc,
        parse=comma_separated,
        check=check,
        form="comma-separated",
        default_doc=default_doc,
    )


def _switch(default: bool, context_key: str, doc: str) -> Any:
    """A setting that turns something on or off."""
    return setting(default, context_key=context_key, doc=doc, parse=flag, form="`true`/`false`")


def _json_object(context_key: str, doc: str, check: Check) -> Any:
    """A setting that maps names to strings, written as a JSON object; none by default."""
    return setting(
        default_factory=dict,
        context_key=context_key,
        doc=doc,
        parse=json_object,
        check=check,
        form="JSON object",
        default_doc="none",
    )


@dataclass(frozen=True)
class DeploymentSettings:
    """What one deployment is called, which model it may use, what the agent gets, and where it goes.

    Each field is one setting (``infra/settings/setting.py``), in the order the docs' table lists them.
    """

    stack_name: str = setting(
        DEFAULT_STACK_NAME, context_key="stackName", variables=(STACK_NAME_ENV,), doc="Stack name"
    )
    runtime_name: str = setting(
        checks.DEFAULT_RUNTIME_NAME,
        context_key="runtimeName",
        doc="Runtime name (letters, digits and `_`, starting with a letter, at most 48; no hyphens)",
        check=checks.runtime_name,
    )
    model_id: str = setting(
        DEFAULT_MODEL_ID,
        context_key="modelId",
        variables=(MODEL_ID_ENV,),
        doc=f"Model id (the container's `{MODEL_ID_ENV}`): a system inference profile or a foundation model id; the "
        "execution role may invoke that model only",
        check=checks.model_id,
    )
    system_prompt: str | None = setting(
        None,
        context_key="systemPrompt",
        variables=(SYSTEM_PROMPT_ENV,),
        doc=f"System prompt (the container's `{SYSTEM_PROMPT_ENV}`, at most {checks.MAX_VALUE_CHARS:,} characters)",
        check=checks.system_prompt,
        default_doc="the agent's own (`agent/tools/prompt.py`)",
    )
    environment: Mapping[str, str] = _json_object(
        "agentEnvironment",
        "More environment variables for the agent (not secret: they are in the template)",
        checks.environment,
    )
    secrets: Mapping[str, str] = _json_object(
        "agentSecrets",
        "Secrets the agent reads at run time: name in the code → Secrets Manager secret name or ARN; the role "
        "may read only these",
        checks.secrets,
    )
    region: str | None = setting(
        None,
        context_key="region",
        variables=("AWS_REGION", "AWS_DEFAULT_REGION"),
        doc="Region",
        default_doc="the CLI profile's",
        cli_variable=CDK_REGION_VARIABLE,
    )
    image_build: str = setting(
        checks.IMAGE_BUILD_REMOTE,
        context_key="imageBuild",
        doc="Where the image is built: `remote` (AWS CodeBuild) or `local` (this machine's Docker)",
        check=checks.image_build,
    )
    images_to_keep: int = setting(
        checks.DEFAULT_IMAGES_TO_KEEP,
        context_key="imagesToKeep",
        doc="Images the repository keeps (remote build)",
        parse=whole_number,
        check=checks.images_to_keep,
    )
    memory: bool = _switch(
        True,
        "memory",
        "Conversation memory: kept in an AgentCore Memory, or (`false`) in each session's process only",
    )
    memory_expiry_days: int = setting(
        checks.DEFAULT_MEMORY_EXPIRY_DAYS,
        context_key="memoryExpiryDays",
        doc="Days a conversation's turns are kept",
        parse=days,
        check=checks.memory_expiry_days,
        form="{} to {}".format(*checks.MEMORY_EXPIRY_DAYS),
    )
    metrics_namespace: str = setting(
        DEFAULT_METRICS_NAMESPACE,
        context_key="metricsNamespace",
        doc=f"CloudWatch namespace of the metrics every invocation record carries (the container's "
        f"`{METRICS_NAMESPACE_ENV}`)",
        check=checks.metrics_namespace,
    )
    dashboard: bool = _switch(
        True,
        "dashboard",
        "A CloudWatch dashboard of the agent's metrics, AgentCore's and the stack's functions' (`DashboardUrl` output)",
    )
    alarms: bool = _switch(
        True,
        "alarms",
        "CloudWatch alarms on error rate, throttles, p99 time to first chunk and memory write failures, to an "
        "encrypted SNS topic of the stack (`AlarmTopicArn` output)",
    )
    alarm_email: str | None = setting(
        None,
        context_key="alarmEmail",
        doc="An e-mail address subscribed to the alarms' topic (it confirms the subscription first)",
        check=checks.alarm_email,
        default_doc="none",
    )
    alarm_error_rate_percent: float = setting(
        5,
        context_key="alarmErrorRatePercent",
        doc="Alarm when model and server errors exceed this percentage of invocations over 5 minutes",
        parse=number,
        check=checks.percent("alarmErrorRatePercent"),
    )
    alarm_ttfc_p99_ms: int = _at_least_one(
        10_000, "alarmTtfcP99Ms", "Alarm when the p99 time to first chunk over 5 minutes exceeds this many milliseconds"
    )
    alarm_throttles: int = _at_least_one(
        1, "alarmThrottles", "Alarm when AgentCore throttles at least this many invocations in 5 minutes"
    )
    alarm_memory_write_failures: int = _at_least_one(
        1,
        "alarmMemoryWriteFailures",
        "Alarm when at least this many turns fail to be written to AgentCore Memory in 5 minutes",
    )
    traces: bool = _switch(
        True,
        "traces",
        "AgentCore's own spans of each invocation delivered to X-Ray (a TRACES log delivery of the runtime and an "
        "X-Ray resource policy); seen where CloudWatch Transaction Search is on",
    )
    vpc_subnets: tuple[str, ...] = _names(
        "vpcSubnets",
        "Subnets the runtime reaches the network through (VPC mode): 1 to 16 of one VPC, in Availability Zones "
        "AgentCore supports ([VPC](vpc.md))",
        check=checks.vpc_ids("vpcSubnets"),
        default_doc="none: the PUBLIC network",
    )
    vpc_security_groups: tuple[str, ...] = _names(
        "vpcSecurityGroups",
        "Security groups of the runtime's network interfaces (VPC mode), 1 to 16",
        check=checks.vpc_ids("vpcSecurityGroups"),
        default_doc="one the stack creates in `vpcId`, HTTPS out only",
    )
    vpc_id: str | None = setting(
        None,
        context_key="vpcId",
        doc="The VPC of `vpcSubnets`, where the stack creates the security group or the VPC endpoints (not looked "
        "up: synth needs no credentials)",
        check=checks.vpc_id,
        default_doc="none",
    )
    vpc_endpoints: bool = _switch(
        False,
        "vpcEndpoints",
        "Create the VPC endpoints the agent needs in `vpcSubnets`, for subnets without a NAT gateway (the weather "
        "tool still needs one)",
    )
    endpoints: Mapping[str, str] = setting(
        default_factory=dict,
        context_key=ENDPOINTS_CONTEXT_KEY,
        doc="Named endpoints besides `DEFAULT`, each pinned to a version or following the latest "
        "([Versions](versions.md#ship-a-new-version-safely))",
        parse=endpoint_versions,
        form="`name:version,...`",
        default_doc="none: `DEFAULT` only",
    )
    idle_session_timeout: int | None = session_seconds(
        "idleSessionTimeout",
        "Seconds a session may sit idle before AgentCore ends its microVM ([Sessions](session-lifecycle.md))",
        default=900,
    )
    max_session_lifetime: int | None = session_seconds(
        "maxSessionLifetime", "Seconds a session's microVM may live at most, busy or not", default=28_800
    )
    platform_version: str | None = setting(
        None,
        context_key="platformVersion",
        doc="AgentCore's platform: `V2` restores each session from a snapshot taken after the agent's warm-up hook",
        check=checks.platform_version,
        form="`V1`/`V2`",
        default_doc="not set: AgentCore's default, V1",
    )
    auth: str = setting(
        AUTH_IAM,
        context_key="auth",
        doc="Who may invoke the runtime: `iam` (AWS credentials, SigV4), `cognito` (users of a user pool the stack "
        "creates) or `jwt` (users of your OpenID Connect provider)",
        check=checks.auth,
    )
    jwt_discovery_url: str | None = setting(
        None,
        context_key="jwtDiscoveryUrl",
        doc="With `auth=jwt`: the provider's discovery URL, `https://…/.well-known/openid-configuration`",
        check=checks.jwt_discovery_url,
        default_doc="none",
    )
    jwt_allowed_clients: tuple[str, ...] = _names(
        "jwtAllowedClients", "With `auth=jwt`: app client ids whose tokens are taken (the token's `client_id`)"
    )
    jwt_allowed_audience: tuple[str, ...] = _names(
        "jwtAllowedAudience",
        "With `auth=jwt`: audiences whose tokens are taken (the token's `aud`); this and/or the clients",
    )

    def __post_init__(self) -> None:
        """Refuse at synth time what the service would refuse minutes into a deployment.

        Raises:
            ConfigurationError: The first setting refused, with its fix.
        """
        for name, entry in self.table().items():
            problem = entry.check(getattr(self, name)) if entry.check else None
            if problem:
                raise ConfigurationError(problem)
        problem = (
            checks.network(self.vpc_subnets, self.vpc_security_groups, self.vpc_id, self.vpc_endpoints)
            or checks.session_lifecycle(self.idle_session_timeout, self.max_session_lifetime)
            or checks.authorizer(self.auth, self.jwt_discovery_url, self.jwt_allowed_clients, self.jwt_allowed_audience)
        )
        if problem:
            raise ConfigurationError(problem)

    @classmethod
    def table(cls) -> dict[str, Setting]:
        """Every setting, by its field name, in the order of the class."""
        return {
            field.name: field.metadata["setting"] for field in dataclasses.fields(cls) if "setting" in field.metadata
        }

    @classmethod
    def entry(cls, name: str) -> Setting:
        """The entry of setting ``name`` (its field name)."""
        return cls.table()[name]

    @classmethod
    def load(cls, context: Context, environ: Mapping[str, str] | None = None) -> DeploymentSettings:
        """Read every setting from context (``-c key=value`` or cdk.json) or else the environment.

        Raises:
            ConfigurationError: A setting that cannot be read, or that would be refused, with its fix.
        """
        environ = os.environ if environ is None else environ
        values = {}
        for name, entry in cls.table().items():
            value = entry.read(context, environ)
            if value is not None:
                values[name] = entry.parse(entry.context_key, value)
        return cls(**values)

    def jwt_authorizer(self) -> JwtAuthorizer | None:
        """The authorizer ``auth=jwt`` names (a Cognito pool's is made by the stack); None in the other modes."""
        if self.auth != AUTH_JWT or self.jwt_discovery_url is None:
            return None
        return JwtAuthorizer(self.jwt_discovery_url, self.jwt_allowed_clients, self.jwt_allowed_audience)

    def container_environment(self) -> dict[str, str]:
        """The agent's environment variables that follow from these settings, deployed or local alike.

        The stack adds the model and its Region through ``AgentCoreRuntime`` and the memory it creates; ``make local``
        adds the model and its Region itself.
        """
        variables = dict(self.environment)
        variables[METRICS_NAMESPACE_ENV] = self.metrics_namespace
        variables[RUNTIME_NAME_ENV] = self.runtime_name
        if self.system_prompt is not None:
            variables[SYSTEM_PROMPT_ENV] = self.system_prompt
        if self.secrets:
            variables[SECRET_IDS_ENV] = json.dumps(dict(self.secrets), separators=(",", ":"))
        return variables


def markdown_table() -> str:
    """Every setting as a Markdown table: what it sets, its context key, its variables, its default."""
    rows = ["| Setting | Context | Environment | Default |", "| --- | --- | --- | --- |"]
    defaults = {field.name: field for field in dataclasses.fields(DeploymentSettings)}
    for name, entry in DeploymentSettings.table().items():
        form = f" ({entry.form})" if entry.form else ""
        variables = ", ".join(f"`{variable}`" for variable in entry.variables)
        default = entry.default_doc or _as_written(defaults[name].default)
        rows.append(f"| {entry.doc} | `{entry.context_key}`{form} | {variables}{form} | {default} |")
    return "\n".join(rows) + "\n"


def _as_written(value: object) -> str:
    return f"`{json.dumps(value) if isinstance(value, bool) else value}`"
