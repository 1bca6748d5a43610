"""The invocation record as a CloudWatch Embedded Metric Format (EMF) document: its metrics, by the spec.

CloudWatch Logs extracts metrics from any log event that is an EMF document: a JSON object whose ``_aws`` member
names the namespace, the dimension sets and the metrics, each metric's value and each dimension's value being
top-level members of the same object. The record the agent already prints becomes that document by gaining those
members, so the metrics cost no API call, no permission and no second line, and ``logs``/``status`` read the same
record as before (``contract.record.InvocationRecord.from_line`` ignores members it does not know).

Every record carries every outcome's count (1 or 0), so a period with traffic has a value for each and a rate never
divides gaps. High-cardinality values (session, actor, tool names) stay out of the dimensions: each distinct
dimension value would be a custom metric of its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from contract.metrics import OUTCOME_METRICS, RUNTIME_DIMENSION, Metric
from contract.record import InvocationRecord, MemoryWrite

EMF_KEY = "_aws"
"""The member that makes a JSON log event an EMF document."""

UNITS: dict[Metric, str] = {
    **dict.fromkeys(Metric, "Count"),
    Metric.TIME_TO_FIRST_CHUNK: "Milliseconds",
    Metric.TOTAL_TIME: "Milliseconds",
}
"""Each metric's CloudWatch unit."""


@dataclass(frozen=True)
class EmbeddedMetrics:
    """Where the records' metrics go: a CloudWatch namespace, and the runtime they are of (their one dimension)."""

    namespace: str
    runtime: str

    def values(self, record: InvocationRecord) -> dict[Metric, float]:
        """The record's metrics; those it has no value for (no first chunk, no token counts) are left out."""
        values: dict[Metric, float] = {Metric.INVOCATIONS: 1, Metric.CHUNKS: record.chunks}
        if record.ttfc_ms is not None:
            values[Metric.TIME_TO_FIRST_CHUNK] = record.ttfc_ms
        if record.total_ms is not None:
            values[Metric.TOTAL_TIME] = record.total_ms
        for metric, key in ((Metric.INPUT_TOKENS, "inputTokens"), (Metric.OUTPUT_TOKENS, "outputTokens")):
            count = (record.usage or {}).get(key)
            if isinstance(count, int | float) and not isinstance(count, bool):
                values[metric] = count
        for outcome, metric in OUTCOME_METRICS.items():
            values[metric] = int(record.outcome == outcome)
        values[Metric.MEMORY_WRITE_FAILURES] = int(record.memory == MemoryWrite.FAILED)
        return values

    def members(self, record: InvocationRecord, timestamp_ms: int | None = None) -> dict[str, Any]:
        """What the record gains to be an EMF document: the dimension's value, each metric's, and ``_aws``."""
        values = self.values(record)
        directive = {
            "Namespace": self.namespace,
            "Dimensions": [[RUNTIME_DIMENSION]],
            "Metrics": [{"Name": metric.value, "Unit": UNITS[metric]} for metric in values],
        }
        stamp = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
        return {
            RUNTIME_DIMENSION: self.runtime,
            **{metric.value: value for metric, value in values.items()},
            EMF_KEY: {"Timestamp": stamp, "CloudWatchMetrics": [directive]},
        }

    def line(self, record: InvocationRecord, timestamp_ms: int | None = None) -> str:
        """The record as the one line the agent prints: its own fields, then its metrics (of now, by default)."""
        return record.line(self.members(record, timestamp_ms))
