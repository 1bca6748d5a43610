"""A stateful stand-in for CloudWatch metrics: what CloudWatch Logs extracts from EMF records, read by GetMetricData.

moto's CloudWatch computes no percentile, and ``status`` asks for p50 and p99, so this stand-in keeps the data
points itself. ``ingest`` takes a log line as CloudWatch Logs would: an Embedded Metric Format document becomes one
data point per metric it declares (by the spec: each metric and dimension named in a directive is a root member), any
other line none. ``GetMetricData`` is answered from those points: ``MetricStat`` queries with ``Sum``,
``SampleCount``, ``Average``, ``Minimum``, ``Maximum`` or ``pNN`` (nearest rank), bucketed by ``Period`` from
``StartTime``, newest first when asked.

The clients are real and made by the code under test: ``install`` adds a ``before-call`` handler to every botocore
session created afterwards, as moto does, so botocore validates and serializes each request against the service
model before this stand-in answers it (and the answer is validated against the output shape). ``deny`` makes every
call fail as IAM would.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore import handlers
from botocore.awsrequest import AWSResponse
from botocore.validate import validate_parameters

STATISTICS = ("Sum", "SampleCount", "Average", "Minimum", "Maximum")


@dataclass(frozen=True)
class DataPoint:
    """One value of one metric, as CloudWatch stores what a record declared."""

    namespace: str
    name: str
    dimensions: frozenset[tuple[str, str]]
    timestamp: datetime
    value: float


@dataclass
class CloudWatchMetrics:
    """Data points by what they measure; ``denied`` answers every call with AccessDenied instead."""

    points: list[DataPoint] = field(default_factory=list)
    denied: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)

    def install(self, monkeypatch: Any) -> None:
        """Answer the ``GetMetricData`` calls of every client created from now on (for the test's length)."""
        monkeypatch.setattr(
            handlers,
            "BUILTIN_HANDLERS",
            [
                *handlers.BUILTIN_HANDLERS,
                ("before-parameter-build.cloudwatch.GetMetricData", _keep_params),
                ("before-call.cloudwatch.GetMetricData", self._answer),
            ],
        )

    def ingest(self, line: str) -> int:
        """Extract the metrics of an EMF log line, as CloudWatch Logs does; returns how many data points it made."""
        try:
            document = json.loads(line)
        except ValueError:
            return 0
        metadata = document.get("_aws") if isinstance(document, dict) else None
        if not isinstance(metadata, dict):
            return 0
        timestamp = datetime.fromtimestamp(metadata["Timestamp"] / 1000, tz=UTC)
        made = 0
        for directive in metadata["CloudWatchMetrics"]:
            for dimension_set in directive["Dimensions"]:
                dimensions = frozenset((name, document[name]) for name in dimension_set)
                for metric in directive["Metrics"]:
                    values = document[metric["Name"]]
                    for value in values if isinstance(values, list) else [values]:
                        self.points.append(
                            DataPoint(directive["Namespace"], metric["Name"], dimensions, timestamp, float(value))
                        )
                        made += 1
        return made

    def _answer(self, model: Any, context: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        params = context["fake_params"]
        self.requests.append(params)
        if self.denied:
            message = "User is not authorized to perform: cloudwatch:GetMetricData"
            error = {"Error": {"Code": "AccessDenied", "Message": message}}
            return AWSResponse(None, 403, {}, None), {**error, "ResponseMetadata": {"HTTPStatusCode": 403}}
        response = {
            "MetricDataResults": [self._result(query, params) for query in params["MetricDataQueries"]],
            "Messages": [],
        }
        report = validate_parameters(response, model.output_shape)
        assert not report, f"the stand-in answered outside the service model: {report.generate_report()}"
        return AWSResponse(None, 200, {}, None), response

    def _result(self, query: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        stat = query["MetricStat"]
        metric = stat["Metric"]
        wanted = frozenset((dimension["Name"], dimension["Value"]) for dimension in metric.get("Dimensions", []))
        start, end, period = params["StartTime"], params["EndTime"], timedelta(seconds=stat["Period"])
        buckets: dict[datetime, list[float]] = {}
        for point in self.points:
            if (point.namespace, point.name, point.dimensions) != (metric["Namespace"], metric["MetricName"], wanted):
                continue
            if start <= point.timestamp < end:
                bucket = start + period * ((point.timestamp - start) // period)
                buckets.setdefault(bucket, []).append(point.value)
        stamps = sorted(buckets, reverse=params.get("ScanBy", "TimestampDescending") == "TimestampDescending")
        return {
            "Id": query["Id"],
            "Label": metric["MetricName"],
            "Timestamps": stamps,
            "Values": [_statistic(stat["Stat"], buckets[stamp]) for stamp in stamps],
            "StatusCode": "Complete",
        }


def _keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    context["fake_params"] = params


def _statistic(name: str, values: list[float]) -> float:
    if name.startswith("p"):
        ordered = sorted(values)
        return ordered[max(0, math.ceil(float(name[1:]) / 100 * len(ordered)) - 1)]
    assert name in STATISTICS, f"the stand-in does not compute {name}"
    return {
        "Sum": sum(values),
        "SampleCount": float(len(values)),
        "Average": sum(values) / len(values),
        "Minimum": min(values),
        "Maximum": max(values),
    }[name]
