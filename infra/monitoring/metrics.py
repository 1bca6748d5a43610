"""The metrics the dashboard and the alarms read: the agent's own (from its records) and AgentCore's, of one runtime.

The agent's are named in ``contract.metrics``, which the agent emits from; AgentCore publishes its own under
``AWS/Bedrock-AgentCore`` with the runtime's ARN as the ``Resource`` dimension (as aws-cdk-lib's ``Runtime`` reads
them).
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch

from contract.metrics import ERROR_METRICS, RUNTIME_DIMENSION, Metric

AGENTCORE_NAMESPACE = "AWS/Bedrock-AgentCore"
AGENTCORE_RESOURCE_DIMENSION = "Resource"
PERIOD = cdk.Duration.minutes(5)
"""The period of every alarm, and of the dashboard's graphs unless one says otherwise."""
MIN_INVOCATIONS = 5
"""Invocations in a period below which the rate and latency alarms say nothing: one slow or failed answer out of two
is not a trend, and a runtime with no traffic must never alarm."""


@dataclass(frozen=True)
class RuntimeMetrics:
    """One runtime's metrics: the agent's in ``namespace`` (dimension ``Runtime`` = its name), and AgentCore's."""

    namespace: str
    runtime_name: str
    runtime_arn: str

    def agent(self, metric: Metric, statistic: str = "Sum", period: cdk.Duration = PERIOD) -> cloudwatch.Metric:
        """A metric the agent's records carry."""
        return cloudwatch.Metric(
            namespace=self.namespace,
            metric_name=metric.value,
            dimensions_map={RUNTIME_DIMENSION: self.runtime_name},
            statistic=statistic,
            period=period,
            label=f"{metric.value} ({statistic})" if statistic != "Sum" else metric.value,
        )

    def agentcore(self, name: str) -> cloudwatch.Metric:
        """One of AgentCore's metrics of this runtime, summed over the period."""
        return cloudwatch.Metric(
            namespace=AGENTCORE_NAMESPACE,
            metric_name=name,
            dimensions_map={AGENTCORE_RESOURCE_DIMENSION: self.runtime_arn},
            statistic="Sum",
            period=PERIOD,
            label=name,
        )

    def error_rate(self) -> cloudwatch.MathExpression:
        """Model and server errors as a percentage of invocations, 0 below ``MIN_INVOCATIONS`` in the period."""
        errors = {f"e{index}": self.agent(metric) for index, metric in enumerate(ERROR_METRICS)}
        return cloudwatch.MathExpression(
            expression=f"IF(n >= {MIN_INVOCATIONS}, 100 * ({' + '.join(errors)}) / n, 0)",
            using_metrics={"n": self.agent(Metric.INVOCATIONS), **errors},
            label="Error rate (%)",
            period=PERIOD,
        )

    def guarded_ttfc_p99(self) -> cloudwatch.MathExpression:
        """p99 time to first chunk, 0 below ``MIN_INVOCATIONS`` in the period."""
        return cloudwatch.MathExpression(
            expression=f"IF(n >= {MIN_INVOCATIONS}, ttfc, 0)",
            using_metrics={
                "n": self.agent(Metric.INVOCATIONS),
                "ttfc": self.agent(Metric.TIME_TO_FIRST_CHUNK, "p99"),
            },
            label="TimeToFirstChunk p99 (ms)",
            period=PERIOD,
        )
