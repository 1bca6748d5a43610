"""What ``AgentCoreRuntime`` refuses at synth time, because AgentCore would refuse it minutes into a deployment.

Every problem is gathered and reported in one error, each with what to pass instead; a value not known until deploy
time (a token) is left for the service to judge.
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk

from contract.agentcore import runtime_name_problem
from contract.auth import AUTH_ALLOWED_AUDIENCES_ENV, AUTH_ALLOWED_CLIENTS_ENV, AUTH_DISCOVERY_URL_ENV
from contract.deployment import MODEL_ID_ENV, MODEL_REGION_ENV
from infra.model_id import ModelId
from infra.runtime.handler import properties as p

LIFECYCLE_LIMITS = (cdk.Duration.seconds(60), cdk.Duration.seconds(28_800))
"""Bounds of ``idleRuntimeSessionTimeout`` and ``maxLifetime`` (botocore's service model)."""


def problems(
    *,
    runtime_name: str,
    model_id: str,
    environment: Mapping[str, str],
    tags: Mapping[str, str],
    idle_session_timeout: cdk.Duration | None,
    max_lifetime: cdk.Duration | None,
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
