"""Deployment settings, read from CDK context first, then the environment, then the defaults.

``make deploy CDK_ARGS="-c runtimeName=my_agent"`` and ``AGENTCORE_RUNTIME_NAME=my_agent make deploy`` do the same.
Free of ``aws_cdk``: the preflight, ``make destroy`` and ``make local`` read the settings without starting jsii.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import boto3
from botocore.exceptions import ProfileNotFound

from contract.agentcore import runtime_name_problem
from contract.deployment import (
    DEFAULT_MODEL_ID,
    DEFAULT_STACK_NAME,
    MEMORY_ID_ENV,
    MODEL_ID_ENV,
    MODEL_REGION_ENV,
    SECRET_IDS_ENV,
    STACK_NAME_ENV,
    SYSTEM_PROMPT_ENV,
)

DEFAULT_RUNTIME_NAME = "agentcore_streaming_agent"
MEMORY_EXPIRY_DAYS = (3, 365)
"""``EventExpiryDuration`` bounds of an AgentCore Memory, in days (the CloudFormation resource schema)."""
DEFAULT_MEMORY_EXPIRY_DAYS = 30

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"
"""The app's ``cdk.json``: its ``context`` counts, after the command line's ``-c``, as ``cdk`` itself counts it."""

IMAGE_BUILD_REMOTE = "remote"
"""Build the image in AWS CodeBuild at deploy time: no Docker engine on this machine."""
IMAGE_BUILD_LOCAL = "local"
"""Build the image with this machine's Docker, as a CDK image asset."""
IMAGE_BUILD_MODES = (IMAGE_BUILD_REMOTE, IMAGE_BUILD_LOCAL)
DEFAULT_IMAGES_TO_KEEP = 10

STACK_VARIABLES = frozenset({MODEL_ID_ENV, MODEL_REGION_ENV, MEMORY_ID_ENV, SYSTEM_PROMPT_ENV, SECRET_IDS_ENV})
"""The container's variables the stack sets from its own settings; ``agentEnvironment`` may not set them."""
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
MAX_VARIABLES = 50
MAX_VALUE_CHARS = 5000
"""``CreateAgentRuntime``'s ``environmentVariables``: at most 50, names of 1-100 characters, values of at most 5,000
(botocore's service model)."""
SECRET_ID = re.compile(r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+|[\w/+=.@-]{1,512}")
"""A Secrets Manager secret's name, or its ARN (the complete one, with the 6 characters the service appends)."""

CDK_REGION_VARIABLE = "CDK_DEFAULT_REGION"
"""Set by the CDK CLI for the app, always, to the Region it resolved itself: a value exported in the shell never
reaches the app under ``cdk``."""

# setting: (context key, environment variables in order of precedence)
SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "stack_name": ("stackName", (STACK_NAME_ENV,)),
    "runtime_name": ("runtimeName", ("AGENTCORE_RUNTIME_NAME",)),
    "model_id": ("modelId", (MODEL_ID_ENV,)),
    "system_prompt": ("systemPrompt", (SYSTEM_PROMPT_ENV,)),
    "environment": ("agentEnvironment", ("AGENTCORE_AGENT_ENVIRONMENT",)),
    "secrets": ("agentSecrets", ("AGENTCORE_AGENT_SECRETS",)),
    "region": ("region", ("AWS_REGION", "AWS_DEFAULT_REGION", CDK_REGION_VARIABLE)),
    "image_build": ("imageBuild", ("AGENTCORE_IMAGE_BUILD",)),
    "images_to_keep": ("imagesToKeep", ("AGENTCORE_IMAGES_TO_KEEP",)),
    "memory": ("memory", ("AGENTCORE_MEMORY",)),
    "memory_expiry_days": ("memoryExpiryDays", ("AGENTCORE_MEMORY_EXPIRY_DAYS",)),
}


class Context(Protocol):
    """Where CDK context is read: an app's ``node``, or ``CommandLineContext`` before ``cdk`` runs."""

    def try_get_context(self, key: str) -> object:  # noqa: D102
        ...


class CommandLineContext:
    """The CDK context that ``npx cdk ... -c key=value`` will see, for the helpers that run before or around it.

    ``make deploy CDK_ARGS="-c imageBuild=local"`` hands the same arguments to the preflight and to ``cdk``, so
    both read one setting the same way: ``-c``/``--context`` first, then the ``context`` of ``cdk.json``.
    """

    def __init__(self, args: Sequence[str], cdk_json: Path | None = None) -> None:
        self._values: dict[str, object] = {}
        if cdk_json is not None and cdk_json.is_file():
            self._values.update(json.loads(cdk_json.read_text()).get("context", {}))
        pending = list(args)
        while pending:
            arg = pending.pop(0)
            if arg in ("-c", "--context") and pending:
                pair = pending.pop(0)
            elif arg.startswith("--context="):
                pair = arg.removeprefix("--context=")
            else:
                continue
            key, separator, value = pair.partition("=")
            if separator:
                self._values[key] = value

    def try_get_context(self, key: str) -> object:
        """The value of ``key``, or None when neither the command line nor ``cdk.json`` sets it."""
        return self._values.get(key)


class SettingsError(ValueError):
    """A setting AgentCore or CloudFormation would refuse; the message says how to fix it."""


@dataclass(frozen=True)
class Settings:
    """What one deployment is called, which model it may use, and where it goes."""

    stack_name: str = DEFAULT_STACK_NAME
    runtime_name: str = DEFAULT_RUNTIME_NAME
    model_id: str = DEFAULT_MODEL_ID
    region: str | None = None
    account: str | None = None
    image_build: str = IMAGE_BUILD_REMOTE
    images_to_keep: int = DEFAULT_IMAGES_TO_KEEP
    memory: bool = True
    """Keep conversations in an AgentCore Memory (`-c memory=false`: in each session's process only)."""
    memory_expiry_days: int = DEFAULT_MEMORY_EXPIRY_DAYS
    """Days a conversation's turns are kept in memory."""
    system_prompt: str | None = None
    """The agent's system prompt; None keeps the agent's own default (``agent.tools.prompt``)."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """More environment variables for the agent, in the template as they are: nothing secret."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """Name the agent's code reads a secret by -> Secrets Manager secret name or ARN; the role may read only these."""

    def __post_init__(self) -> None:
        """Refuse at synth time what the service would refuse minutes into a deployment."""
        problem = runtime_name_problem(self.runtime_name)
        if problem:
            raise SettingsError(
                f"{problem}. Fix: pick a name such as {DEFAULT_RUNTIME_NAME!r} and pass it with "
                '`make deploy CDK_ARGS="-c runtimeName=<name>"` or `AGENTCORE_RUNTIME_NAME=<name> make deploy`.'
            )
        if not self.model_id.strip():
            raise SettingsError("model id is empty. Fix: `-c modelId=<id>` or `MODEL_ID=<id>`, or leave both unset.")
        if self.image_build not in IMAGE_BUILD_MODES:
            raise SettingsError(
                f"image build {self.image_build!r} is unknown. Fix: `-c imageBuild=remote` (CodeBuild, the default) "
                "or `-c imageBuild=local` (this machine's Docker), or AGENTCORE_IMAGE_BUILD=remote|local."
            )
        if isinstance(self.images_to_keep, bool) or not isinstance(self.images_to_keep, int) or self.images_to_keep < 1:
            raise SettingsError(
                f"images to keep must be a whole number of at least 1, not {self.images_to_keep!r}. "
                f"Fix: `-c imagesToKeep=10` or AGENTCORE_IMAGES_TO_KEEP=10 (default {DEFAULT_IMAGES_TO_KEEP})."
            )
        low, high = MEMORY_EXPIRY_DAYS
        if not low <= self.memory_expiry_days <= high:
            raise SettingsError(
                f"memory expiry of {self.memory_expiry_days} days is outside what AgentCore Memory keeps ({low} to "
                f"{high} days). Fix: `-c memoryExpiryDays=30` or `AGENTCORE_MEMORY_EXPIRY_DAYS=30`."
            )
        if self.system_prompt is not None and not 0 < len(self.system_prompt.strip()) <= MAX_VALUE_CHARS:
            raise SettingsError(
                f"the system prompt must hold 1 to {MAX_VALUE_CHARS} characters (AgentCore's limit for an environment "
                f"variable), not {len(self.system_prompt)}. Fix: shorten `systemPrompt`, or leave it unset for the "
                "agent's own."
            )
        self._check_environment()
        for name, secret_id in self.secrets.items():
            if not VARIABLE_NAME.fullmatch(name) or not SECRET_ID.fullmatch(secret_id):
                raise SettingsError(
                    f"agentSecrets entry {name!r}: {secret_id!r} must map a name the code reads the secret by "
                    "(letters, digits and _) to a Secrets Manager secret name or ARN. Fix: "
                    '"agentSecrets": {"WEATHER_API_KEY": "my-agent/weather-api-key"} in cdk.json\'s context.'
                )

    def _check_environment(self) -> None:
        for name, value in self.environment.items():
            if not VARIABLE_NAME.fullmatch(name):
                raise SettingsError(
                    f"agentEnvironment: {name!r} is not an environment variable name (letters, digits and _, not "
                    "starting with a digit, at most 100). Fix: rename it in agentEnvironment."
                )
            if name in STACK_VARIABLES:
                raise SettingsError(
                    f"agentEnvironment must not set {name}, which the stack sets from its own settings. Fix: use "
                    "modelId, systemPrompt or agentSecrets (the README's Settings table) and remove it there."
                )
            if not isinstance(value, str) or len(value) > MAX_VALUE_CHARS:
                raise SettingsError(
                    f"agentEnvironment: {name} must be a string of at most {MAX_VALUE_CHARS} characters. Fix: quote "
                    f'it in cdk.json ("{name}": "...").'
                )
        if len(self.environment) + len(STACK_VARIABLES) > MAX_VARIABLES:
            raise SettingsError(
                f"agentEnvironment sets {len(self.environment)} variables; with the stack's own, AgentCore takes at "
                f"most {MAX_VARIABLES}. Fix: pass fewer."
            )

    def container_environment(self) -> dict[str, str]:
        """The agent's environment variables that follow from these settings, deployed or local alike.

        The stack adds the model and its Region through ``AgentCoreRuntime`` and the memory it creates; ``make local``
        adds the model and its Region itself.
        """
        variables = dict(self.environment)
        if self.system_prompt is not None:
            variables[SYSTEM_PROMPT_ENV] = self.system_prompt
        if self.secrets:
            variables[SECRET_IDS_ENV] = json.dumps(dict(self.secrets), separators=(",", ":"))
        return variables

    @classmethod
    def load(cls, node: Context, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every setting from context (``-c key=value`` or cdk.json) or else the environment."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name, (context_key, env_keys) in SOURCES.items():
            value = node.try_get_context(context_key)
            if value is None:
                value = next((environ[key] for key in env_keys if environ.get(key)), None)
            if value is not None:
                values[name] = _mapping(context_key, value) if name in _MAPPINGS else str(value)
        if "images_to_keep" in values:
            values["images_to_keep"] = _whole_number(values["images_to_keep"])
        if "memory" in values:
            values["memory"] = _flag("memory", values["memory"])
        if "memory_expiry_days" in values:
            values["memory_expiry_days"] = _days("memory_expiry_days", values["memory_expiry_days"])
        account = environ.get("CDK_DEFAULT_ACCOUNT") or None
        return cls(**values, account=account)  # type: ignore[arg-type]


_MAPPINGS = frozenset({"environment", "secrets"})
"""Settings that are JSON objects: in cdk.json as they are, on the command line (``-c``) or in a variable as JSON."""


def _mapping(context_key: str, value: object) -> Mapping[str, str]:
    """A JSON object setting, from cdk.json (already an object) or from ``-c``/a variable (JSON text)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            value = None
    if not isinstance(value, dict):
        raise SettingsError(
            f"{context_key} must be a JSON object of names to strings. Fix: in cdk.json's context, "
            f'"{context_key}": {{"NAME": "value"}}, or -c \'{context_key}={{"NAME": "value"}}\'.'
        )
    return value


def _whole_number(text: object) -> int | object:
    """``"10"`` becomes 10; anything else is handed on unchanged, for ``__post_init__`` to refuse with the fix."""
    try:
        return int(str(text).strip())
    except ValueError:
        return text


def _flag(field: str, value: object) -> bool:
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "on"}:
        return True
    if text in {"false", "0", "no", "off"}:
        return False
    raise SettingsError(f"{field}={value!r} is not true or false. Fix: `-c memory=false` or `-c memory=true`.")


def _days(field: str, value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise SettingsError(
            f"{field}={value!r} is not a whole number of days. Fix: `-c memoryExpiryDays=30`."
        ) from None


def profile_region() -> str | None:
    """The Region of the AWS profile in use (``AWS_PROFILE``, else ``default``), as the CDK CLI falls back to it."""
    try:
        return boto3.session.Session().region_name
    except ProfileNotFound:  # the credentials check names the missing profile
        return None


def deployment_region(
    context: Context, environ: Mapping[str, str] | None = None, profile: Callable[[], str | None] = profile_region
) -> str | None:
    """The Region ``cdk deploy`` will deploy the stack to, or None when nothing names one.

    Context ``region``, then ``AWS_REGION``, ``AWS_DEFAULT_REGION``, then the profile's: under the CDK CLI the stack
    reads ``CDK_DEFAULT_REGION`` after the first three, and the CLI always sets that variable for the app to the Region
    it finds in the same places (else us-east-1), whatever the shell exported. The preflight, ``make destroy``, the
    app's own notice and the local launcher all ask here, so none of them can disagree with the stack.
    """
    environ = os.environ if environ is None else environ
    context_key, variables = SOURCES["region"]
    named = context.try_get_context(context_key) or next(
        (environ[name] for name in variables if name != CDK_REGION_VARIABLE and environ.get(name)), None
    )
    return str(named) if named else profile()
