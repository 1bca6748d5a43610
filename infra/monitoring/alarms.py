"""``AgentAlarms``: the alarms an operator is told about, and the encrypted SNS topic that tells them.

Four alarms, each over one period (``PERIOD``, 5 minutes): the error rate (model and server errors per invocation),
AgentCore's throttles, the p99 time to first chunk, and failed writes to AgentCore Memory. None fires on a runtime
without traffic: missing data is not breaching, and the rate and latency alarms read 0 below ``MIN_INVOCATIONS``
invocations in the period.

The topic is encrypted with a key of the stack (rotated yearly): the key AWS manages for SNS cannot be used, since
CloudWatch may not use that key to publish. The key policy and the topic policy let CloudWatch publish only for this
stack's alarms, and the topic refuses any request not sent over TLS.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from contract.metrics import Metric
from infra.monitoring.metrics import PERIOD, RuntimeMetrics

CLOUDWATCH_PRINCIPAL = "cloudwatch.amazonaws.com"
_WINDOW = f"{PERIOD.to_minutes():g} minutes"
KEY_DELETION_WAIT = cdk.Duration.days(7)
"""The shortest wait KMS allows before deleting the topic's key once the stack is destroyed."""


@dataclass(frozen=True)
class Thresholds:
    """When each alarm fires (the deploy settings ``alarmErrorRatePercent`` and the rest)."""

    error_rate_percent: float
    ttfc_p99_ms: int
    throttles: int
    memory_write_failures: int


class AgentAlarms(Construct):
    """The alarms on one runtime's metrics and the topic they notify; ``email``, if given, is subscribed to it."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        metrics: RuntimeMetrics,
        thresholds: Thresholds,
        email: str | None = None,
    ) -> None:
        """Create the topic, its key and the alarms.

        Args:
            scope: The stack.
            construct_id: The construct's id.
            metrics: The runtime's metrics.
            thresholds: When each alarm fires.
            email: An address to subscribe to the topic. Default: none (subscribe to ``topic`` yourself).
        """
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.name_prefix = f"{stack.stack_name}-"
        """Every alarm's name starts with it: the key and topic policies name this stack's alarms by it."""
        alarm_arns = stack.format_arn(
            service="cloudwatch",
            resource="alarm",
            resource_name=f"{self.name_prefix}*",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )
        only_this_stacks_alarms = {
            "StringEquals": {"aws:SourceAccount": stack.account},
            "ArnLike": {"aws:SourceArn": alarm_arns},
        }
        key = kms.Key(
            self,
            "TopicKey",
            description=f"Encrypts the alarm topic of stack {stack.stack_name}",
            enable_key_rotation=True,
            removal_policy=cdk.RemovalPolicy.DESTROY,
            pending_window=KEY_DELETION_WAIT,
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublish",
                principals=[iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions=only_this_stacks_alarms,
            )
        )
        self.topic = sns.Topic(
            self,
            "Topic",
            display_name=f"{stack.stack_name} alarms",
            master_key=key,
            enforce_ssl=True,
        )
        """The topic every alarm notifies, when it fires and when it is OK again."""
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublish",
                principals=[iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions=only_this_stacks_alarms,
            )
        )
        if email:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))

        self.alarms: dict[str, cloudwatch.Alarm] = {}
        """Each alarm by its name's last part."""
        self._alarm(
            "ErrorRate",
            metrics.error_rate(),
            thresholds.error_rate_percent,
            cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            f"Model and server errors above {thresholds.error_rate_percent:g}% of invocations over {_WINDOW}",
        )
        self._alarm(
            "Throttles",
            metrics.agentcore("Throttles"),
            thresholds.throttles,
            cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            f"AgentCore throttled {thresholds.throttles} or more invocations in {_WINDOW}",
        )
        self._alarm(
            "TimeToFirstChunkP99",
            metrics.guarded_ttfc_p99(),
            thresholds.ttfc_p99_ms,
            cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            f"p99 time to first chunk above {thresholds.ttfc_p99_ms} ms over {_WINDOW}",
        )
        self._alarm(
            "MemoryWriteFailures",
            metrics.agent(Metric.MEMORY_WRITE_FAILURES),
            thresholds.memory_write_failures,
            cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            f"{thresholds.memory_write_failures} or more turns not written to AgentCore Memory in {_WINDOW}",
        )

    def _alarm(
        self,
        name: str,
        metric: cloudwatch.IMetric,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
        description: str,
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            name,
            alarm_name=f"{self.name_prefix}{name}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        action = actions.SnsAction(self.topic)
        alarm.add_alarm_action(action)
        alarm.add_ok_action(action)
        self.alarms[name] = alarm
