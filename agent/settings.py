"""Settings of the agent process, read once from the environment.

The container is configured by the CDK stack through the runtime's environment variables, and locally by the
shell; one frozen object keeps every knob documented in one place.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from contract.agentcore import MEMORY_ID_PATTERN
from contract.auth import (
    AUTH_ALLOWED_AUDIENCES_ENV,
    AUTH_ALLOWED_CLIENTS_ENV,
    AUTH_DISCOVERY_URL_ENV,
    comma_list,
    discovery_url_problem,
)
from contract.deployment import DEFAULT_MODEL_ID, MEMORY_ID_ENV, MODEL_ID_ENV, MODEL_REGION_ENV, SYSTEM_PROMPT_ENV
from contract.metrics import (
    DEFAULT_METRICS_NAMESPACE,
    LOCAL_RUNTIME_NAME,
    METRICS_NAMESPACE_ENV,
    RUNTIME_NAME_ENV,
    namespace_problem,
)

N = TypeVar("N", int, float)


class ConfigurationError(ValueError):
    """An environment variable holds a value the agent cannot use."""


def _positive(env: Mapping[str, str], name: str, default: N, kind: type[N], unit: str) -> N:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not {_ARTICLE[kind]}; set it to a positive {unit}") from None
    if value <= 0:
        raise ConfigurationError(f"{name}={raw!r} must be a positive {unit}")
    return value


_ARTICLE = {int: "an integer", float: "a number"}


def _memory_id(env: Mapping[str, str]) -> str | None:
    raw = env.get(MEMORY_ID_ENV)
    if not raw:
        return None
    if not MEMORY_ID_PATTERN.fullmatch(raw):
        raise ConfigurationError(
            f"{MEMORY_ID_ENV}={raw!r} is not an AgentCore Memory id (like 'agent_memory-AbCdEf1234') or ARN; "
            "set it to the stack's MemoryId output, or unset it to keep conversations in process only"
        )
    return raw


def _metrics_namespace(env: Mapping[str, str]) -> str:
    raw = env.get(METRICS_NAMESPACE_ENV) or DEFAULT_METRICS_NAMESPACE
    problem = namespace_problem(raw)
    if problem:
        raise ConfigurationError(f"{METRICS_NAMESPACE_ENV}={raw!r}: {problem}; set it to one, or unset it")
    return raw


@dataclass(frozen=True)
class AuthSettings:
    """Whose bearer tokens the agent takes: the issuer behind a discovery URL, and the clients or audiences allowed.

    The same three values the stack gives AgentCore's authorizer, so that the agent admits exactly what AgentCore
    admits: ``client_id`` must be one of ``allowed_clients`` when that is set, and ``aud`` must name one of
    ``allowed_audiences`` when that is set.
    """

    discovery_url: str
    allowed_clients: tuple[str, ...] = ()
    allowed_audiences: tuple[str, ...] = ()


def _auth(env: Mapping[str, str]) -> AuthSettings | None:
    url = env.get(AUTH_DISCOVERY_URL_ENV) or None
    clients = comma_list(env.get(AUTH_ALLOWED_CLIENTS_ENV))
    audiences = comma_list(env.get(AUTH_ALLOWED_AUDIENCES_ENV))
    if url is None:
        if clients or audiences:
            given = AUTH_ALLOWED_CLIENTS_ENV if clients else AUTH_ALLOWED_AUDIENCES_ENV
            raise ConfigurationError(
                f"{given} is set but {AUTH_DISCOVERY_URL_ENV} is not: set it to the provider's discovery URL, or "
                f"unset {given} to take requests without a token"
            )
        return None
    problem = discovery_url_problem(url, loopback_http=True)
    if problem:
        raise ConfigurationError(
            f"{AUTH_DISCOVERY_URL_ENV}: {problem}; set it to the provider's "
            "https://.../.well-known/openid-configuration"
        )
    if not clients and not audiences:
        raise ConfigurationError(
            f"{AUTH_DISCOVERY_URL_ENV} is set but neither {AUTH_ALLOWED_CLIENTS_ENV} nor {AUTH_ALLOWED_AUDIENCES_ENV} "
            "is: set the app client ids (or audiences) whose tokens the agent takes, or any token the provider issues "
            "for any application would do"
        )
    return AuthSettings(url, clients, audiences)


def aws_region(env: Mapping[str, str] | None = None) -> str | None:
    """The Region the agent calls AWS in: the stack's (``BEDROCK_REGION``), else the process's own."""
    env = os.environ if env is None else env
    return env.get(MODEL_REGION_ENV) or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None


@dataclass(frozen=True)
class AgentSettings:
    """What the agent needs to know about its environment."""

    model_id: str = DEFAULT_MODEL_ID
    region: str | None = None
    system_prompt: str | None = None
    """The deployment's system prompt; None gives the agent its own (``agent.tools.prompt``)."""
    max_sessions: int = 256
    max_prompt_chars: int = 100_000
    weather_timeout_seconds: float = 5.0
    body_timeout_seconds: float = 10.0
    geocoding_url: str = "https://geocoding-api.open-meteo.com/v1/search"
    forecast_url: str = "https://api.open-meteo.com/v1/forecast"
    memory_id: str | None = None
    """AgentCore Memory that keeps conversations beyond this process; None keeps them in process only."""
    memory_record_wait_seconds: float = 5.0
    """How long an invocation's record waits for its turn's memory write (after the client has the answer) before
    it says ``pending``: a hung memory call must not hold the request open for as long as botocore would retry."""
    tool_timeout_seconds: float = 30.0
    """Longest any tool call may take before the model gets an error result instead and the turn goes on."""
    calculator_timeout_seconds: float = 10.0
    """Wall-clock time of one calculation (its CPU time, rounded up, too) before its worker process is killed."""
    calculator_memory_mb: int = 512
    """Address space of a calculator worker process, the interpreter and sympy included (175 MiB of it on x86_64)."""
    header_timeout_seconds: float = 5.0
    """Time a connection has to deliver a request's headers, from connecting or from its first byte."""
    max_connections: int = 100
    """Open connections the server accepts; a request on one beyond them is answered 503."""
    metrics_namespace: str = DEFAULT_METRICS_NAMESPACE
    """The CloudWatch namespace of the metrics each invocation record carries."""
    runtime_name: str = LOCAL_RUNTIME_NAME
    """The runtime the metrics are of (their ``Runtime`` dimension); the stack names it."""
    auth: AuthSettings | None = None
    """Whose bearer tokens every ``POST /invocations`` must carry; None asks for no token (AgentCore's SigV4)."""

    @property
    def max_body_bytes(self) -> int:
        """Largest request body worth reading: a maximal prompt, fully escaped, plus room for the other fields."""
        return self.max_prompt_chars * 6 + 4096

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AgentSettings:
        """Read settings from ``env`` (the process environment by default).

        Raises:
            ConfigurationError: a variable holds a value the agent cannot use; the message names it and the fix.
        """
        env = os.environ if env is None else env
        defaults = cls()
        return cls(
            model_id=env.get(MODEL_ID_ENV) or defaults.model_id,
            region=aws_region(env),
            system_prompt=env.get(SYSTEM_PROMPT_ENV) or None,
            max_sessions=_positive(env, "MAX_SESSIONS", defaults.max_sessions, int, "whole number"),
            max_prompt_chars=_positive(env, "MAX_PROMPT_CHARS", defaults.max_prompt_chars, int, "whole number"),
            weather_timeout_seconds=_positive(
                env, "WEATHER_TIMEOUT_SECONDS", defaults.weather_timeout_seconds, float, "number of seconds"
            ),
            body_timeout_seconds=_positive(
                env, "BODY_TIMEOUT_SECONDS", defaults.body_timeout_seconds, float, "number of seconds"
            ),
            geocoding_url=env.get("WEATHER_GEOCODING_URL") or defaults.geocoding_url,
            forecast_url=env.get("WEATHER_FORECAST_URL") or defaults.forecast_url,
            memory_id=_memory_id(env),
            memory_record_wait_seconds=_positive(
                env, "MEMORY_RECORD_WAIT_SECONDS", defaults.memory_record_wait_seconds, float, "number of seconds"
            ),
            tool_timeout_seconds=_positive(
                env, "TOOL_TIMEOUT_SECONDS", defaults.tool_timeout_seconds, float, "number of seconds"
            ),
            calculator_timeout_seconds=_positive(
                env, "CALCULATOR_TIMEOUT_SECONDS", defaults.calculator_timeout_seconds, float, "number of seconds"
            ),
            calculator_memory_mb=_positive(
                env, "CALCULATOR_MEMORY_MB", defaults.calculator_memory_mb, int, "whole number of MiB"
            ),
            header_timeout_seconds=_positive(
                env, "HEADER_TIMEOUT_SECONDS", defaults.header_timeout_seconds, float, "number of seconds"
            ),
            max_connections=_positive(env, "MAX_CONNECTIONS", defaults.max_connections, int, "whole number"),
            metrics_namespace=_metrics_namespace(env),
            runtime_name=env.get(RUNTIME_NAME_ENV) or defaults.runtime_name,
            auth=_auth(env),
        )
