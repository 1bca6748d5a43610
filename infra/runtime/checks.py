"""What ``AgentCoreRuntime`` refuses at synth time, because AgentCore would refuse it minutes into a deployment.

Every problem is gathered and reported in one error, each with what to pass instead; a value not known until deploy
time (a token) is left for the service to judge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import aws_cdk as cdk

from contract.agentcore import (
    DEFAULT_ENDPOINT,
    RUNTIME_VERSION_PATTERN,
    SESSION_LIFECYCLE_SECONDS,
    endpoint_name_problem,
    runtime_name_problem,
)
from contract.auth import AUTH_ALLOWED_AUDIENCES_ENV, AUTH_ALLOWED_CLIENTS_ENV, AUTH_DISCOVERY_URL_ENV
from contract.deployment import MODEL_ID_ENV, MODEL_REGION_ENV
from infra.model_id import ModelId
from infra.runtime.handler import properties as p

LIFECYCLE_LIMITS = tuple(cdk.Duration.seconds(seconds) for seconds in SESSION_LIFECYCLE_SECONDS)
"""Bounds of ``idleRuntimeSessionTimeout`` and ``maxLifetime`` on microVMs (the AWS guide on lifecycle settings)."""
PLATFORM_WITH_HOOKS = "V2"
"""Lifecycle hooks need platform V2: AgentCore refuses them on V1 (AWS guide "Configure lifecycle hooks")."""
HOOK_PATH = re.compile(r"/[A-Za-z0-9._~/-]{0,31}")
"""``httpPost.path`` of a lifecycle hook: 1 to 32 characters (botocore's service model)."""
SERVED_PATHS = frozenset({"/invocations", "/ping"})
"""A hook's path may not be one AgentCore already calls (the model's documentation of ``httpPost``)."""
MAX_VPC_IDS = 16
"""``networkModeConfig`` takes 1 to 16 subnets and 1 to 16 security groups (botocore's service model)."""


def problems(
    *,
    runtime_name: str,
    model_id: str,
    environment: Mapping[str, str],
    tags: Mapping[str, str],
    idle_session_timeout: cdk.Duration | None,
    max_lifetime: cdk.Duration | None,
    subnets: Sequence[str] = (),
    security_groups: Sequence[str] = (),
    platform_version: str | None = None,
    warmup_path: str | None = None,
) -> list[str]:
    """Every reason AgentCore, or the handler, would refuse this runtime; empty when there is none."""
    found = []
    problem = None if cdk.Token.is_unresolved(runtime_name) else runtime_name_problem(runtime_name)
    if problem:
        found.append(f"{problem}; pass another runtime_name")
    if not cdk.Token.is_unresolved(model_id):
        try:
            ModelId.parse(model_id)
        except ValueError as error:
            found.append(f"{error}; pass another model_id")
    reserved = {MODEL_ID_ENV, MODEL_REGION_ENV}.intersection(environment)
    if reserved:
        found.append(
            f"environment must not set {sorted(reserved)}: pass model_id, which also scopes the role to the model, "
            "and deploy the stack in the Region the model should be called in"
        )
    authorizer_variables = {AUTH_DISCOVERY_URL_ENV, AUTH_ALLOWED_CLIENTS_ENV, AUTH_ALLOWED_AUDIENCES_ENV}
    reserved = authorizer_variables.intersection(environment)
    if reserved:
        found.append(
            f"environment must not set {sorted(reserved)}: pass authorizer, which tells AgentCore and the agent the "
            "same provider"
        )
    reserved_tags = p.HANDLER_TAGS.intersection(tags)
    if reserved_tags:
        found.append(f"tags must not set {sorted(reserved_tags)}: the handler writes them; use other keys")
    found += _lifecycle_problems(idle_session_timeout, max_lifetime)
    found += _network_problems(subnets, security_groups)
    found += _hook_problems(platform_version, warmup_path)
    return found


def endpoint_problems(name: str, version: str | None) -> list[str]:
    """Every reason AgentCore would refuse an endpoint of this name and version; empty when there is none."""
    found = []
    problem = None if cdk.Token.is_unresolved(name) else endpoint_name_problem(name)
    if problem:
        found.append(f"{problem}; pass another endpoint_name")
    elif name == DEFAULT_ENDPOINT:
        found.append(f"{DEFAULT_ENDPOINT} is AgentCore's own endpoint, which follows the latest version; name another")
    if version is not None and not cdk.Token.is_unresolved(version) and not RUNTIME_VERSION_PATTERN.fullmatch(version):
        found.append(f"version {version!r} is not a runtime version (1, 2, ...); pass one, or None for the latest")
    return found


def _network_problems(subnets: Sequence[str], security_groups: Sequence[str]) -> list[str]:
    if not subnets and not security_groups:
        return []
    return [
        f"{what} must name 1 to {MAX_VPC_IDS}, got {len(ids)}"
        for what, ids in (("subnets", subnets), ("security_groups", security_groups))
        if not 1 <= len(ids) <= MAX_VPC_IDS
    ]


def _hook_problems(platform_version: str | None, warmup_path: str | None) -> list[str]:
    if warmup_path is None:
        return []
    found = []
    if platform_version != PLATFORM_WITH_HOOKS:
        found.append(f"warmup_path needs platform_version={PLATFORM_WITH_HOOKS!r}: AgentCore runs hooks on V2 only")
    if not HOOK_PATH.fullmatch(warmup_path) or warmup_path in SERVED_PATHS:
        found.append(
            f"warmup_path {warmup_path!r} must be a path of 1 to 32 characters (letters, digits, ._~/-), not "
            f"{' or '.join(sorted(SERVED_PATHS))}"
        )
    return found


def lifecycle(idle_session_timeout: cdk.Duration | None, max_lifetime: cdk.Duration | None) -> dict[str, int]:
    """``lifecycleConfiguration`` for the durations given, in seconds; empty keeps the service's defaults."""
    durations = {"idleRuntimeSessionTimeout": idle_session_timeout, "maxLifetime": max_lifetime}
    return {key: int(duration.to_seconds()) for key, duration in durations.items() if duration is not None}


def _lifecycle_problems(idle: cdk.Duration | None, max_lifetime: cdk.Duration | None) -> list[str]:
    low, high = (int(limit.to_seconds()) for limit in LIFECYCLE_LIMITS)
    found = [
        f"{key} must be between {low} and {high} seconds, got {seconds}"
        for key, seconds in lifecycle(idle, max_lifetime).items()
        if not low <= seconds <= high
    ]
    if idle is not None and max_lifetime is not None and idle.to_seconds() > max_lifetime.to_seconds():
        found.append("idle_session_timeout must not exceed max_lifetime")
    return found
