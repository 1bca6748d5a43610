"""``RuntimeTraces``: AgentCore's own spans of each invocation, delivered to X-Ray (they are off until delivered).

The spans of the agent's code (the HTTP request, Strands' agent, model and tool spans, botocore's calls) are sent by
the AWS Distro for OpenTelemetry in the container and need no resource here. AgentCore's spans of the runtime itself
are a vended log of the runtime: they flow only once a ``TRACES`` delivery source names the runtime and a delivery
joins it to an ``XRAY`` destination, which an X-Ray resource policy lets CloudWatch Logs write to. This is what
aws-cdk-lib's AgentCore ``Runtime`` declares with ``tracingEnabled``, with the same policy conditions. Either kind of
span is kept and searchable only where CloudWatch Transaction Search is on (docs/observability.md#traces).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from aws_cdk import aws_xray as xray
from constructs import Construct

DELIVERY_PRINCIPAL = "delivery.logs.amazonaws.com"


class RuntimeTraces(Construct):
    """The delivery of one runtime's ``TRACES`` to X-Ray, and the X-Ray resource policy it needs."""

    def __init__(self, scope: Construct, construct_id: str, *, runtime_arn: str, runtime_name: str) -> None:
        """Create the delivery source, the X-Ray destination, the delivery between them, and the policy.

        Args:
            scope: The stack.
            construct_id: The construct's id.
            runtime_arn: The runtime whose spans are delivered.
            runtime_name: Its name; the delivery source is named after it, so a renamed runtime gets a new source.
        """
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        policy = xray.CfnResourcePolicy(
            self,
            "Policy",
            policy_name=cdk.Names.unique_resource_name(self, max_length=128, separator="-"),
            policy_document=stack.to_json_string(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "LogsDeliverRuntimeTraces",
                            "Effect": "Allow",
                            "Principal": {"Service": DELIVERY_PRINCIPAL},
                            "Action": "xray:PutTraceSegments",
                            "Resource": "*",  # X-Ray has no resource-level permission; the conditions narrow it
                            "Condition": {
                                "ForAllValues:ArnLike": {"logs:LogGeneratingResourceArns": [runtime_arn]},
                                "StringEquals": {"aws:SourceAccount": stack.account},
                                "ArnLike": {
                                    "aws:SourceArn": stack.format_arn(
                                        service="logs",
                                        resource="delivery-source",
                                        resource_name="*",
                                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                                    )
                                },
                            },
                        }
                    ],
                }
            ),
        )
        source = logs.CfnDeliverySource(
            self, "Source", name=f"{runtime_name}-traces", log_type="TRACES", resource_arn=runtime_arn
        )
        destination = logs.CfnDeliveryDestination(
            self,
            "Destination",
            name=cdk.Names.unique_resource_name(self, max_length=60, separator="-"),
            delivery_destination_type="XRAY",
        )
        destination.node.add_dependency(policy)
        delivery = logs.CfnDelivery(
            self, "Delivery", delivery_source_name=source.name, delivery_destination_arn=destination.attr_arn
        )
        delivery.node.add_dependency(source)
        self.delivery = delivery
