"""Facts of the AgentCore contract that the agent, the infrastructure and the client must agree on.

Kept free of third-party imports so that the CDK app and the client can import it without pulling the
agent's runtime dependencies.
"""

import re

DEFAULT_MODEL_ID = "us.anthropic.claude-sonnet-4-20250514-v1:0"
"""Cross-region inference profile the agent uses unless ``MODEL_ID`` says otherwise."""

MODEL_ID_ENV = "MODEL_ID"
"""Environment variable that names the model (or inference profile) inside the container."""

MODEL_REGION_ENV = "BEDROCK_REGION"
"""Environment variable that names the Region to call Bedrock in; the stack sets it to its own Region, the one
its execution role is scoped to. Without it the agent uses ``AWS_REGION``."""

PORT = 8080
"""AgentCore Runtime sends traffic to this port of the container, and to no other."""

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
"""Header in which AgentCore hands the runtime session id to the container."""

MIN_SESSION_ID_LENGTH = 33
"""``InvokeAgentRuntime`` rejects shorter ``runtimeSessionId`` values."""

RUNTIME_NAME_PATTERN = re.compile(r"[a-zA-Z][a-zA-Z0-9_]{0,47}")
"""``CreateAgentRuntime`` accepts only names that match this pattern in full (no hyphens)."""

STREAM_MODES = ("text", "events")
"""Values of the payload's ``stream`` field: ``text`` (default) or typed ``events``."""


def runtime_name_problem(name: str) -> str | None:
    """Say what is wrong with a runtime name, or return None when AgentCore will accept it.

    Returning the reason instead of raising lets the CDK app and the CLI each phrase the fix in their own terms.
    """
    if RUNTIME_NAME_PATTERN.fullmatch(name):
        return None
    return (
        f"runtime name {name!r} is not accepted by AgentCore: it must start with a letter and contain only "
        "letters, digits and underscores (no hyphens), at most 48 characters"
    )


DEFAULT_ENDPOINT = "DEFAULT"
"""The endpoint AgentCore creates with every runtime; it always serves the latest version."""

RUNTIME_LOG_GROUP_PREFIX = "/aws/bedrock-agentcore/runtimes/"
"""AgentCore ships a runtime's stdout and stderr to ``<prefix><runtime id>-<endpoint name>`` in CloudWatch Logs.
The custom-resource handler, bundled on its own, keeps a copy in ``infra/runtime_provider/properties.py``; a test
holds the two equal."""

INVOCATION_RECORD = "invocation"
"""Value of the ``record`` key that marks the agent's one JSON line per invocation on stdout."""

OUTCOMES = ("completed", "client_hung_up", "model_error", "refused", "server_error")
"""How an invocation can end, as its record says: the answer finished; the client left before it did; the model
(or Bedrock) failed mid-answer; the request was refused with a 4xx; the server failed with a 5xx."""


def runtime_log_group(runtime_id: str, endpoint: str = DEFAULT_ENDPOINT) -> str:
    """The CloudWatch Logs group holding what the runtime's containers print."""
    return f"{RUNTIME_LOG_GROUP_PREFIX}{runtime_id}-{endpoint}"
