"""The ``/aws/lambda/<function>`` log group of a function the stack owns, kept a month and deleted with the stack."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct


def function_log_group(scope: Construct, name: str, function: lambda_.Function) -> logs.LogGroup:
    """``/aws/lambda/<function>``, kept a month and deleted with the stack.

    With the feature flag ``@aws-cdk/aws-lambda:useCdkManagedLogGroup`` (cdk.json sets it) the function already
    defines this group, kept two years and retained; a second one of the same name would fail the deployment.
    """
    managed = function.node.try_find_child("LogGroup")
    if isinstance(managed, logs.LogGroup):
        managed.node.default_child.retention_in_days = 30  # RetentionDays.ONE_MONTH, as every other log group
        managed.apply_removal_policy(cdk.RemovalPolicy.DESTROY)
        return managed
    return logs.LogGroup(
        scope,
        f"{name}Logs",
        log_group_name=f"/aws/lambda/{function.function_name}",
        retention=logs.RetentionDays.ONE_MONTH,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
