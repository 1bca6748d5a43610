"""The last hour's figures from the metrics every invocation record carries: time to first chunk and tokens.

One ``GetMetricData`` call reads the p50 and p99 of ``TimeToFirstChunk`` and the sums of ``InputTokens`` and
``OutputTokens`` over the last hour, in the namespace and under the ``Runtime`` dimension the agent writes them with
(``contract.metrics``); the runtime's own environment says which (``GetAgentRuntime`` returns it). Reading them
needs ``cloudwatch:GetMetricData``: without it ``status`` still shows everything else, with the reason this is
missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from client.aws import aws_errors
from client.errors import AgentClientError
from contract.metrics import RUNTIME_DIMENSION, Metric

_QUERIES = {
    "p50": (Metric.TIME_TO_FIRST_CHUNK, "p50"),
    "p99": (Metric.TIME_TO_FIRST_CHUNK, "p99"),
    "input": (Metric.INPUT_TOKENS, "Sum"),
    "output": (Metric.OUTPUT_TOKENS, "Sum"),
}


@dataclass(frozen=True)
class RecentMetrics:
    """The figures of a period, each None when CloudWatch has no data point; or why they could not be read."""

    ttfc_p50_ms: float | None = None
    ttfc_p99_ms: float | None = None
    input_tokens: float | None = None
    output_tokens: float | None = None
    unavailable: str | None = None

    def describe(self) -> str:
        """``ttfc p50 812 ms, p99 2430 ms; tokens 1234 in, 567 out``, or why there are none."""
        if self.unavailable:
            return f"unknown ({self.unavailable})"
        if self.ttfc_p50_ms is None:
            ttfc = "ttfc no data"
        else:
            ttfc = f"ttfc p50 {self.ttfc_p50_ms:.0f} ms, p99 {self.ttfc_p99_ms or 0:.0f} ms"
        tokens = f"tokens {self.input_tokens or 0:.0f} in, {self.output_tokens or 0:.0f} out"
        return f"{ttfc}; {tokens}"


def recent_metrics(cloudwatch: Any, namespace: str, runtime_name: str, period: timedelta) -> RecentMetrics:
    """The figures of the ``period`` up to the last whole minute; a failure to read them becomes the reason shown.

    CloudWatch rounds a recent ``StartTime`` down to the minute: a window of whole minutes is one period, one value.
    """
    end = datetime.now(tz=UTC).replace(second=0, microsecond=0)
    seconds = int(period.total_seconds())
    dimensions = [{"Name": RUNTIME_DIMENSION, "Value": runtime_name}]
    queries = [
        {
            "Id": key,
            "MetricStat": {
                "Metric": {"Namespace": namespace, "MetricName": metric.value, "Dimensions": dimensions},
                "Period": seconds,
                "Stat": statistic,
            },
        }
        for key, (metric, statistic) in _QUERIES.items()
    ]
    try:
        with aws_errors():
            answer = cloudwatch.get_metric_data(
                MetricDataQueries=queries, StartTime=end - period, EndTime=end, ScanBy="TimestampDescending"
            )
    except AgentClientError as error:
        return RecentMetrics(unavailable=f"could not read CloudWatch metrics: {error}")
    values = {result["Id"]: result["Values"] for result in answer.get("MetricDataResults", [])}

    def first(key: str) -> float | None:
        found = values.get(key) or []
        return float(found[0]) if found else None

    return RecentMetrics(
        ttfc_p50_ms=first("p50"), ttfc_p99_ms=first("p99"), input_tokens=first("input"), output_tokens=first("output")
    )
