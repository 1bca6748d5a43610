"""The CloudWatch metrics every invocation record carries, by name: the agent emits them, the stack graphs and alarms.

Each invocation record is also a CloudWatch Embedded Metric Format document, so CloudWatch Logs turns it into
metrics with no API call and no permission (``agent.observability.metrics`` writes it). The stack's dashboard and
alarms and the client's ``status`` name the same metrics, namespace variable and dimension from here.
"""

import enum
import re

from contract.record import Outcome

METRICS_NAMESPACE_ENV = "METRICS_NAMESPACE"
"""The CloudWatch namespace the records' metrics go to; the stack sets it from its ``metricsNamespace`` setting."""
DEFAULT_METRICS_NAMESPACE = "AgentCoreStreamingAgent"
"""The namespace unless the deployment (or ``METRICS_NAMESPACE``) names another."""

RUNTIME_NAME_ENV = "AGENT_RUNTIME_NAME"
"""The runtime's name, the value of every metric's ``Runtime`` dimension; the stack sets it."""
LOCAL_RUNTIME_NAME = "local"
"""The ``Runtime`` dimension of an agent that no stack named (``make local``, the tests)."""

RUNTIME_DIMENSION = "Runtime"
"""The one dimension: which runtime. Sessions, actors and tools stay out of dimensions (one metric per value)."""


class Metric(enum.StrEnum):
    """The metrics of one invocation, each a top-level member of its record."""

    INVOCATIONS = "Invocations"
    """1 per record."""
    TIME_TO_FIRST_CHUNK = "TimeToFirstChunk"
    """Milliseconds from the request's arrival to the first text chunk; absent when no text was sent."""
    TOTAL_TIME = "TotalTime"
    """Milliseconds from the request's arrival to the response's end."""
    CHUNKS = "Chunks"
    """Text chunks sent."""
    INPUT_TOKENS = "InputTokens"
    OUTPUT_TOKENS = "OutputTokens"
    """The model's token counts; absent when the model reported none."""
    COMPLETED = "Completed"
    CLIENT_HUNG_UP = "ClientHungUp"
    MODEL_ERRORS = "ModelErrors"
    REFUSED = "Refused"
    SERVER_ERRORS = "ServerErrors"
    """1 for the record's outcome, 0 for the others: every record counts in each, so sums and rates need no gaps."""
    MEMORY_WRITE_FAILURES = "MemoryWriteFailures"
    """1 when the turn's write to AgentCore Memory failed, else 0."""


OUTCOME_METRICS: dict[Outcome, Metric] = {
    Outcome.COMPLETED: Metric.COMPLETED,
    Outcome.CLIENT_HUNG_UP: Metric.CLIENT_HUNG_UP,
    Outcome.MODEL_ERROR: Metric.MODEL_ERRORS,
    Outcome.REFUSED: Metric.REFUSED,
    Outcome.SERVER_ERROR: Metric.SERVER_ERRORS,
}
"""The count each outcome adds 1 to."""

ERROR_METRICS = (Metric.MODEL_ERRORS, Metric.SERVER_ERRORS)
"""The outcomes that are the agent's failures, for the error rate: a refusal is the caller's, a hang-up the client's."""

NAMESPACE_PATTERN = re.compile(r"[0-9A-Za-z.\-_/#: ]{1,255}")
"""CloudWatch's namespace rule: at most 255 of these characters, at least one not a space, not under ``AWS/``."""


def namespace_problem(namespace: str) -> str | None:
    """Say what is wrong with a metrics namespace, or return None when CloudWatch takes it.

    Returning the reason instead of raising lets the stack and the agent each phrase the fix in their own terms.
    """
    if NAMESPACE_PATTERN.fullmatch(namespace) and namespace.strip() and not namespace.startswith("AWS/"):
        return None
    return (
        f"metrics namespace {namespace!r} is not one CloudWatch takes: 1 to 255 letters, digits, spaces and "
        "'.-_/#:', not only spaces, and not under AWS/ (reserved for AWS services)"
    )
