"""``AgentDashboard``: one CloudWatch dashboard of a runtime: what streaming is for, how answers end, what they cost.

From the top: time to first chunk (p50/p90/p99) and total time; invocations by outcome and the error rate the alarm
reads; tokens per hour and failed memory writes; AgentCore's own throttles, errors and sessions; and the errors of the
stack's Lambda functions (the runtime's custom-resource handlers, the image build's trigger).
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from contract.metrics import OUTCOME_METRICS, Metric
from infra.monitoring.metrics import RuntimeMetrics

WIDTH = 24
"""A dashboard row's width in CloudWatch's grid."""
HEIGHT = 6
TOKENS_PERIOD = cdk.Duration.hours(1)


class AgentDashboard(Construct):
    """The runtime's dashboard; ``url`` opens it in the CloudWatch console."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        metrics: RuntimeMetrics,
        functions: Mapping[str, lambda_.IFunction],
        alarms: Mapping[str, cloudwatch.IAlarm] | None = None,
    ) -> None:
        """Create the dashboard.

        Args:
            scope: The stack.
            construct_id: The construct's id.
            metrics: The runtime's metrics.
            functions: The stack's Lambda functions whose errors it shows, by the name the graph gives each.
            alarms: The alarms whose state it shows on top. Default: none (``alarms=false``).
        """
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Resource",
            dashboard_name=cdk.Fn.join("-", [stack.stack_name, cdk.Aws.REGION]),
            default_interval=cdk.Duration.hours(3),
        )
        self.dashboard_name: str = self.dashboard.dashboard_name
        self.url: str = cdk.Fn.join(
            "",
            [
                "https://",
                cdk.Aws.REGION,
                ".console.aws.amazon.com/cloudwatch/home?region=",
                cdk.Aws.REGION,
                "#dashboards:name=",
                self.dashboard_name,
            ],
        )
        """The dashboard in the CloudWatch console, the ``DashboardUrl`` output."""
        half = WIDTH // 2
        if alarms:
            self.dashboard.add_widgets(
                cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(alarms.values()), width=WIDTH, height=3)
            )
        self.dashboard.add_widgets(
            _graph(
                "Time to first chunk (ms)",
                [metrics.agent(Metric.TIME_TO_FIRST_CHUNK, statistic) for statistic in ("p50", "p90", "p99")],
                half,
            ),
            _graph(
                "Total time (ms)", [metrics.agent(Metric.TOTAL_TIME, statistic) for statistic in ("p50", "p99")], half
            ),
        )
        self.dashboard.add_widgets(
            _graph(
                "Invocations by outcome",
                [metrics.agent(metric) for metric in OUTCOME_METRICS.values()],
                half,
                stacked=True,
            ),
            _graph("Error rate (%): model and server errors per invocation", [metrics.error_rate()], half),
        )
        self.dashboard.add_widgets(
            _graph(
                "Tokens per hour",
                [metrics.agent(metric, period=TOKENS_PERIOD) for metric in (Metric.INPUT_TOKENS, Metric.OUTPUT_TOKENS)],
                half,
            ),
            _graph("Memory write failures", [metrics.agent(Metric.MEMORY_WRITE_FAILURES)], half),
        )
        self.dashboard.add_widgets(
            _graph(
                "AgentCore: throttles and errors",
                [metrics.agentcore(name) for name in ("Throttles", "SystemErrors", "UserErrors")],
                half,
            ),
            _graph("AgentCore: new sessions", [metrics.agentcore("SessionCount")], half),
        )
        self.dashboard.add_widgets(
            _graph(
                "The stack's functions: errors",
                [
                    function.metric_errors(period=cdk.Duration.minutes(5), label=name)
                    for name, function in functions.items()
                ],
                WIDTH,
            )
        )


def _graph(title: str, left: list[cloudwatch.IMetric], width: int, *, stacked: bool = False) -> cloudwatch.GraphWidget:
    return cloudwatch.GraphWidget(title=title, left=left, width=width, height=HEIGHT, stacked=stacked)
