"""Deployment settings, read from CDK context first, then the environment, then the defaults.

``npx cdk deploy -c runtimeName=my_agent`` and ``AGENTCORE_RUNTIME_NAME=my_agent make deploy`` do the same.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from agent.contract import DEFAULT_MODEL_ID, runtime_name_problem
from client.stack import DEFAULT_STACK_NAME, STACK_NAME_ENV

DEFAULT_RUNTIME_NAME = "agentcore_streaming_agent"

# setting: (context key, environment variables in order of precedence)
SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "stack_name": ("stackName", (STACK_NAME_ENV,)),
    "runtime_name": ("runtimeName", ("AGENTCORE_RUNTIME_NAME",)),
    "model_id": ("modelId", ("MODEL_ID",)),
    "region": ("region", ("AWS_REGION", "AWS_DEFAULT_REGION", "CDK_DEFAULT_REGION")),
}


class _Context(Protocol):
    def try_get_context(self, key: str) -> object: ...


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

    def __post_init__(self) -> None:
        """Refuse at synth time what the service would refuse minutes into a deployment."""
        problem = runtime_name_problem(self.runtime_name)
        if problem:
            raise SettingsError(
                f"{problem}. Fix: pick a name such as {DEFAULT_RUNTIME_NAME!r} and pass it with "
                "`npx cdk deploy -c runtimeName=<name>` or `AGENTCORE_RUNTIME_NAME=<name> make deploy`."
            )
        if not self.model_id.strip():
            raise SettingsError("model id is empty. Fix: `-c modelId=<id>` or `MODEL_ID=<id>`, or leave both unset.")

    @classmethod
    def load(cls, node: _Context, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every setting from context (``-c key=value`` or cdk.json) or else the environment."""
        environ = os.environ if environ is None else environ
        values: dict[str, str] = {}
        for field, (context_key, env_keys) in SOURCES.items():
            value = node.try_get_context(context_key)
            if value is None:
                value = next((environ[key] for key in env_keys if environ.get(key)), None)
            if value is not None:
                values[field] = str(value)
        account = environ.get("CDK_DEFAULT_ACCOUNT") or None
        return cls(**values, account=account)
