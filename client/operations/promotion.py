"""What ``promote`` and ``rollback`` print: the deploy that gives one named endpoint another version.

The stack stays the one place that says which endpoint serves which version: these read the endpoints as the stack
deployed them (its ``Endpoints`` output, ``contract.endpoints``), change one, and hand back the ``make deploy``
command that makes it so. Nothing in AWS is changed here, so nothing drifts from the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from client.aws import aws_errors
from client.errors import ConfigurationError
from contract import endpoints
from contract.agentcore import DEFAULT_ENDPOINT, RUNTIME_VERSION_PATTERN
from contract.deployment import CLI_COMMAND, OUTPUT_ENDPOINTS


@dataclass(frozen=True)
class Promotion:
    """The endpoints setting after moving ``endpoint`` from ``before`` (None: a new endpoint) to ``after``."""

    endpoint: str
    before: str | None
    after: str
    setting: dict[str, str]

    @property
    def command(self) -> str:
        """The deploy that makes it so."""
        return endpoints.deploy_command(self.setting)

    def summary(self) -> str:
        """What the deploy changes, in words."""
        now = "is new" if self.before is None else f"serves {_served(self.before)} now"
        return f"{self.endpoint} {now}; after this deploy it serves {_served(self.after)}"


def deployed(outputs: dict[str, str]) -> dict[str, str]:
    """The endpoints setting the stack was deployed with, from its outputs (none: no ``Endpoints`` output)."""
    return endpoints.parse(outputs.get(OUTPUT_ENDPOINTS, ""))


def promote(setting: dict[str, str], endpoint: str, version: str, versions: list[str]) -> Promotion:
    """Move (or add) ``endpoint`` to ``version``, which must be ``latest`` or one of the runtime's ``versions``.

    Raises:
        ConfigurationError: ``DEFAULT``, or a version the runtime does not have.
    """
    if endpoint == DEFAULT_ENDPOINT:
        raise ConfigurationError(
            f"{DEFAULT_ENDPOINT} always serves the latest version (AgentCore's own endpoint); promote a named endpoint "
            "instead, which this deploy creates if the stack has none of that name"
        )
    if version != endpoints.LATEST and not (RUNTIME_VERSION_PATTERN.fullmatch(version) and version in versions):
        raise ConfigurationError(
            f"the runtime has no version {version!r}; it has {', '.join(versions) or 'none'} "
            f"({CLI_COMMAND} versions shows them), or use {endpoints.LATEST}"
        )
    return Promotion(endpoint, setting.get(endpoint), version, {**setting, endpoint: version})


def roll_back(setting: dict[str, str], endpoint: str, previous: str | None) -> Promotion:
    """Move ``endpoint`` back to ``previous``, the version it served before its last change.

    Raises:
        ConfigurationError: The stack has no such endpoint, or the endpoint has served no other version.
    """
    if endpoint not in setting:
        known = ", ".join(setting) or "none"
        raise ConfigurationError(
            f"{endpoint!r} is not one of the stack's named endpoints ({known}); rollback moves those only"
        )
    if previous is None:
        raise ConfigurationError(
            f"endpoint {endpoint} has served no other version since the stack created it: there is nothing to roll "
            f"back to; give it a version with {CLI_COMMAND} promote {endpoint} --to VERSION"
        )
    return Promotion(endpoint, setting[endpoint], previous, {**setting, endpoint: previous})


def previous_version(control: Any, runtime_id: str, endpoint: str) -> str | None:
    """The version ``endpoint`` served before its last change, as the stack's handler recorded it on the endpoint."""
    with aws_errors():
        arn = control.get_agent_runtime_endpoint(agentRuntimeId=runtime_id, endpointName=endpoint)[
            "agentRuntimeEndpointArn"
        ]
        return control.list_tags_for_resource(resourceArn=arn).get("tags", {}).get(endpoints.PREVIOUS_VERSION_TAG)


def version_numbers(control: Any, runtime_id: str) -> list[str]:
    """Every version the runtime has, oldest first."""
    with aws_errors():
        pages = control.get_paginator("list_agent_runtime_versions").paginate(agentRuntimeId=runtime_id)
        numbers = {version["agentRuntimeVersion"] for page in pages for version in page.get("agentRuntimes", [])}
    return sorted(numbers, key=int)


def _served(version: str) -> str:
    return "the latest version" if version == endpoints.LATEST else f"version {version}"
