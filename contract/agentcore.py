"""What Amazon Bedrock AgentCore itself defines: the container's port and headers, and the rules its ids follow.

Every rule here is checked against botocore's service models (``bedrock-agentcore``, ``bedrock-agentcore-control``)
or the ``bedrock-agentcore`` SDK; the tiers phrase the fix for a broken rule in their own terms.
"""

import re

PORT = 8080
"""AgentCore Runtime sends traffic to this port of the container, and to no other."""

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
"""Header in which AgentCore hands the runtime session id to the container."""

MIN_SESSION_ID_LENGTH = 33
MAX_SESSION_ID_LENGTH = 256
"""``InvokeAgentRuntime`` rejects shorter and longer ``runtimeSessionId`` values (botocore's service model)."""

CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")
"""C0 controls (CR and LF among them), DEL and C1 controls: part of no id, and in a log line they forge others."""


def session_id_problem(session_id: str) -> str | None:
    """Say what is wrong with a runtime session id as the agent receives it, or return None when it can be used."""
    return _control_character("session id", session_id)


def _control_character(what: str, value: str) -> str | None:
    found = CONTROL_CHARACTER.search(value)
    if found is None:
        return None
    return f"{what} {value!r} holds a control character (U+{ord(found.group()):04X}); an id is printable text"


RUNTIME_NAME_PATTERN = re.compile(r"[a-zA-Z][a-zA-Z0-9_]{0,47}")
"""``CreateAgentRuntime`` accepts only names that match this pattern in full (no hyphens)."""

DEFAULT_ENDPOINT = "DEFAULT"
"""The endpoint AgentCore creates with every runtime; it always serves the latest version."""

ENDPOINT_NAME_PATTERN = re.compile(r"[a-zA-Z][a-zA-Z0-9_]{0,47}")
"""``CreateAgentRuntimeEndpoint`` accepts only names that match this pattern in full (the runtime name's rule)."""

RUNTIME_VERSION_PATTERN = re.compile(r"[1-9][0-9]{0,4}")
"""A runtime version as the control plane writes it (``agentRuntimeVersion``): a whole number from 1."""

SESSION_LIFECYCLE_SECONDS = (60, 28_800)
"""Bounds of ``idleRuntimeSessionTimeout`` and ``maxLifetime`` for a runtime on microVMs, in seconds (the AWS guide
"Configure Amazon Bedrock AgentCore lifecycle settings"; botocore's model allows up to 1,209,600, which only runtimes
on Instances accept). The idle timeout may not exceed the lifetime."""

RUNTIME_LOG_GROUP_PREFIX = "/aws/bedrock-agentcore/runtimes/"
"""AgentCore ships a runtime's stdout and stderr to ``<prefix><runtime id>-<endpoint name>`` in CloudWatch Logs.
The custom-resource handler, bundled on its own, keeps a copy in its ``properties`` module; a test holds the two
equal."""

ACTOR_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Actor-Id"
"""Request header naming whose conversation a session is (AgentCore Memory's ``actorId``). AgentCore forwards it
to the container only because the runtime's ``requestHeaderAllowlist`` lists it."""

DEFAULT_ACTOR_ID = "default"
"""The actor of every request that names none: one user per deployment unless clients say otherwise."""

ACTOR_ID_PATTERN = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9-_/]*(?::[a-zA-Z0-9-_/]+)*[a-zA-Z0-9-_/]*")
MAX_ACTOR_ID_LENGTH = 255
"""AgentCore Memory's ``actorId`` rules (botocore's service model)."""

MEMORY_ID_PATTERN = re.compile(
    r"(arn:(aws|aws-cn|aws-us-gov):bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:memory/)?[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9]{10}"
)
"""A memory id (or ARN) as AgentCore Memory's data plane takes it (botocore's service model)."""


def runtime_name_problem(name: str) -> str | None:
    """Say what is wrong with a runtime name, or return None when AgentCore will accept it.

    Returning the reason instead of raising lets the CDK app and the CLI each phrase the fix in their own terms.
    """
    return _name_problem("runtime name", name, RUNTIME_NAME_PATTERN)


def endpoint_name_problem(name: str) -> str | None:
    """Say what is wrong with the name of a runtime endpoint to create or call, or return None when it is one."""
    return _name_problem("endpoint name", name, ENDPOINT_NAME_PATTERN)


def _name_problem(what: str, name: str, pattern: re.Pattern[str]) -> str | None:
    """The one wording for AgentCore's names: runtime and endpoint names follow the same rule."""
    if pattern.fullmatch(name):
        return None
    return (
        f"{what} {name!r} is not accepted by AgentCore: it must start with a letter and contain only "
        "letters, digits and underscores (no hyphens), at most 48 characters"
    )


def actor_id_problem(actor_id: str) -> str | None:
    """Say what is wrong with an actor id, or return None when AgentCore Memory will accept it."""
    if 0 < len(actor_id) <= MAX_ACTOR_ID_LENGTH and ACTOR_ID_PATTERN.fullmatch(actor_id):
        return None
    if problem := _control_character("actor id", actor_id):
        return problem
    return (
        f"actor id {actor_id!r} is not accepted by AgentCore Memory: 1 to {MAX_ACTOR_ID_LENGTH} characters, "
        "starting with a letter or digit, then letters, digits, '-', '_', '/' or ':'"
    )


def runtime_log_group(runtime_id: str, endpoint: str = DEFAULT_ENDPOINT) -> str:
    """The CloudWatch Logs group holding what the runtime's containers print."""
    return f"{RUNTIME_LOG_GROUP_PREFIX}{runtime_id}-{endpoint}"
