"""Facts of the AgentCore contract that the agent, the infrastructure and the client must agree on.

Kept free of third-party imports so that the CDK app and the client can import it without pulling the
agent's runtime dependencies.
"""

import enum
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


class MemoryWrite(enum.StrEnum):
    """What became of an invocation's write to AgentCore Memory, as its record's ``memory`` field says.

    The field is ``null`` when the invocation has no memory to write to: none configured, no session id, or refused
    before its turn. A write that failed or is still pending is not lost: the session keeps the turn in process and
    writes it again, in order, after its next turn.
    """

    SAVED = "saved"
    """The turn's new messages (and any earlier turn still unsaved) are in memory."""
    FAILED = "failed"
    """Memory refused or could not be reached after botocore's retries; the record's ``memory_error`` says why."""
    PENDING = "pending"
    """The write had not finished when the record was printed (``MEMORY_RECORD_WAIT_SECONDS``); it goes on."""
    SKIPPED = "skipped"
    """Nothing to write: the turn added nothing to the conversation (a hang-up, a model error) and nothing is owed."""


def runtime_log_group(runtime_id: str, endpoint: str = DEFAULT_ENDPOINT) -> str:
    """The CloudWatch Logs group holding what the runtime's containers print."""
    return f"{RUNTIME_LOG_GROUP_PREFIX}{runtime_id}-{endpoint}"


MEMORY_ID_ENV = "MEMORY_ID"
"""Environment variable naming the AgentCore Memory that keeps conversations; unset, they live in process only."""

MEMORY_ID_PATTERN = re.compile(
    r"(arn:(aws|aws-cn|aws-us-gov):bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:memory/)?[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9]{10}"
)
"""A memory id (or ARN) as AgentCore Memory's data plane takes it (botocore's service model)."""

ACTOR_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Actor-Id"
"""Request header naming whose conversation a session is (AgentCore Memory's ``actorId``). AgentCore forwards it
to the container only because the runtime's ``requestHeaderAllowlist`` lists it."""

DEFAULT_ACTOR_ID = "default"
"""The actor of every request that names none: one user per deployment unless clients say otherwise."""

ACTOR_ID_PATTERN = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9-_/]*(?::[a-zA-Z0-9-_/]+)*[a-zA-Z0-9-_/]*")
MAX_ACTOR_ID_LENGTH = 255
"""AgentCore Memory's ``actorId`` rules (botocore's service model)."""


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


MEMORY_TURN_KEY = "turn"
MEMORY_PART_KEY = "part"
MEMORY_PARTS_KEY = "parts"
"""Metadata of each conversation event in AgentCore Memory: the turn's number (from 0), this event's part of the
turn and how many parts it has, each a zero-padded decimal string (``memory_number``). The agent writes them; the
client finds a conversation's first turn by them."""


def memory_number(key: str, value: int) -> str:
    """``value`` as the zero-padded string AgentCore Memory holds for metadata ``key``; it sorts as it counts."""
    return f"{value:0{8 if key == MEMORY_TURN_KEY else 3}d}"
