"""The log groups of the Lambda functions the stack owns: ``/aws/lambda/<function>``, kept a month, gone with it.

Each function writes to its own group only, in place of ``AWSLambdaBasicExecutionRole`` (any log group of the
account). Not the runtime's log groups, which AgentCore creates (``infra/runtime/handler/runtime_log_groups.py``).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.permission import Permission, statements

FUNCTION_LOGGING: Permission[logs.ILogGroup] = Permission(
    name="FunctionLogging",
    actions=("logs:CreateLogStream", "logs:PutLogEvents"),
    resources=lambda log_group: [log_group.log_group_arn],  # "arn:...:log-group:<name>:*"
    scope="the function's own log group",
    sid=False,
)


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


def log_to_own_group(scope: Construct, name: str, function: lambda_.Function, role: iam.IRole) -> iam.Policy:
    """Let ``function`` (whose role is ``role``) write to its own log group, and to no other.

    A policy of its own (``<name>Logging``), not the role's default one, which the function depends on: the log group
    depends on the function's name. A resource that needs the function's logs from its first call depends on it.
    """
    log_group = function_log_group(scope, name, function)
    return iam.Policy(scope, f"{name}Logging", roles=[role], statements=statements([FUNCTION_LOGGING], log_group))
