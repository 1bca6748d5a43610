"""The stack's one provider for ``Custom::AgentCoreRuntime``: two Lambda handlers, their roles and log groups.

The handlers are the code in ``infra/runtime/handler/``, bundled on their own with a pinned boto3. aws-cdk-lib's
``Provider`` framework calls them: ``on_event`` starts a change, ``is_complete`` is polled until it is done.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import custom_resources as cr
from constructs import Construct

from infra.bundling import python_code
from infra.function_log_groups import FUNCTION_LOGGING, log_to_own_group
from infra.nag import acknowledge_wildcards
from infra.permission import grant
from infra.runtime.arns import Arns
from infra.runtime.handler import properties as p
from infra.runtime.permissions import (
    IS_COMPLETE,
    IS_COMPLETE_PER_RUNTIME,
    ON_EVENT,
    ON_EVENT_PER_RUNTIME,
    WAITER_LOG_DELIVERY,
    RuntimeResources,
)

LAMBDA_RUNTIME = lambda_.Runtime.PYTHON_3_14
"""The latest Python Lambda runtime (cdk-nag AwsSolutions-L1); the handler needs Python >= 3.12."""
LAMBDA_ARCHITECTURE = lambda_.Architecture.ARM_64
HANDLER_PLATFORM = {"runtime": LAMBDA_RUNTIME, "architecture": LAMBDA_ARCHITECTURE, "memory_size": 256}
"""What both handler functions run on."""
HANDLER_SOURCE = Path(__file__).parent / "handler"

ON_EVENT_TIMEOUT = cdk.Duration.minutes(10)
"""Room for role-propagation retries and botocore's own retries (8 tries, 5 s connect and 30 s read timeouts)."""
IS_COMPLETE_TIMEOUT = cdk.Duration.minutes(1)
PROVIDER_QUERY_INTERVAL = cdk.Duration.seconds(10)
PROVIDER_TOTAL_TIMEOUT = cdk.Duration.minutes(30)
"""How long is_complete is asked (a throttled or busy delete is asked again until then); then the framework fails
the request with "Operation timed out", unless is_complete has given up first (``GIVE_UP_AFTER``)."""
GIVE_UP_AFTER = cdk.Duration.seconds(PROVIDER_TOTAL_TIMEOUT.to_seconds() - 2 * PROVIDER_QUERY_INTERVAL.to_seconds())
"""When is_complete stops waiting for a deletion the service keeps refusing, and fails naming the runtime and the
command that deletes it: two polls before the framework would fail it with its bare "Operation timed out"."""
SERVICE_TIMEOUT = cdk.Duration.minutes(
    ON_EVENT_TIMEOUT.to_minutes() + PROVIDER_TOTAL_TIMEOUT.to_minutes() + IS_COMPLETE_TIMEOUT.to_minutes() + 4
)
"""CloudFormation's wait for an answer (default one hour): long enough for the framework's own answer, timeout
included, so the stack events show the handler's reason rather than CloudFormation's."""


class RuntimeProvider(Construct):
    """The stack's one provider for ``Custom::AgentCoreRuntime``; each runtime adds what it needs to its policies."""

    ID = "AgentCoreRuntimeProvider"

    @classmethod
    def of(cls, scope: Construct) -> RuntimeProvider:
        """The provider of ``scope``'s stack, created with the first runtime."""
        stack = cdk.Stack.of(scope)
        existing = stack.node.try_find_child(cls.ID)
        return existing if isinstance(existing, cls) else cls(stack, cls.ID)

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self._arns = Arns(cdk.Stack.of(self))
        code = python_code(HANDLER_SOURCE, runtime=LAMBDA_RUNTIME, architecture=LAMBDA_ARCHITECTURE)

        self.on_event = self._function("OnEvent", "handler.on_event", code, ON_EVENT_TIMEOUT)
        self.is_complete = self._function(
            "IsComplete",
            "handler.is_complete",
            code,
            IS_COMPLETE_TIMEOUT,
            environment={p.GIVE_UP_AFTER_ENV: str(int(GIVE_UP_AFTER.to_seconds()))},
        )
        of_this_stack = RuntimeResources(self._arns)
        grant(self.on_event.role, ON_EVENT, of_this_stack)
        grant(self.is_complete.role, IS_COMPLETE, of_this_stack)
        framework_logs = logs.LogGroup(
            self, "FrameworkLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        # Own roles for the framework's functions, in place of AWSLambdaBasicExecutionRole (any log group).
        framework_roles = [
            iam.Role(self, name, assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
            for name, description in (
                ("FrameworkOnEventRole", "AgentCore runtime provider framework: onEvent"),
                ("FrameworkCompleteRole", "AgentCore runtime provider framework: isComplete and onTimeout"),
            )
        ]
        for role in framework_roles:
            grant(role, [FUNCTION_LOGGING], framework_logs)
        self._provider = cr.Provider(
            self,
            "Provider",
            query_interval=PROVIDER_QUERY_INTERVAL,
            total_timeout=PROVIDER_TOTAL_TIMEOUT,
            on_event_handler=self.on_event,
            is_complete_handler=self.is_complete,
            log_group=framework_logs,
            # The framework logs each request, each handler's answer and what it sends CloudFormation at INFO;
            # its default, FATAL, keeps none of it.
            framework_lambda_logging_level=lambda_.ApplicationLogLevel.INFO,
            framework_on_event_role=framework_roles[0],
            framework_complete_and_timeout_role=framework_roles[1],
            # Logging is configured below: the framework's own grants logs:CreateLogStream and logs:PutLogEvents on
            # "*", which Step Functions log delivery does not use.
            disable_waiter_state_machine_logging=True,
        )
        self._log_waiter(
            logs.LogGroup(
                self, "WaiterLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=cdk.RemovalPolicy.DESTROY
            )
        )
        self.service_token = self._provider.service_token
        self._acknowledge_framework(framework_roles)

    def allow(self, execution_role: iam.IRole, runtime_name: str, *, vpc: bool = False) -> None:
        """Let the handlers create runtime ``runtime_name`` (its ids are ``<name>-<10 characters>``) and clean up.

        Once it exists, the runtime is reached through its owner tag (``ON_EVENT``, ``IS_COMPLETE``). In VPC mode
        (``vpc``) creating it may also create AgentCore's network service-linked role.
        """
        of_this_runtime = RuntimeResources(
            self._arns, runtime_name=runtime_name, execution_role_arn=execution_role.role_arn, vpc=vpc
        )
        grant(self.on_event.role, ON_EVENT_PER_RUNTIME, of_this_runtime)
        grant(self.is_complete.role, IS_COMPLETE_PER_RUNTIME, of_this_runtime)

    def _acknowledge_framework(self, framework_roles: list[iam.Role]) -> None:
        """Findings on the Provider framework, which aws-cdk-lib builds and this code cannot change."""
        invoked = {
            "OnEvent": self.on_event.function_arn,
            "IsComplete": self.is_complete.function_arn,
        }
        # The framework invokes the handlers by ARN with any qualifier (version or alias): "<function arn>:*".
        for role in framework_roles:
            acknowledge_wildcards(
                role,
                {
                    f"{arn}:*": f"the provider framework invokes the {name} handler, any version or alias of it only"
                    for name, arn in invoked.items()
                },
            )
        waiter = self._provider.node.find_child("waiter-state-machine")
        framework_functions = {
            "IsComplete": self._provider.node.find_child("framework-isComplete"),
            "OnTimeout": self._provider.node.find_child("framework-onTimeout"),
        }
        acknowledge_wildcards(
            waiter,
            {
                f"{function.function_arn}:*": f"the waiter state machine invokes the framework's {name} function only"
                for name, function in framework_functions.items()
            },
        )
        cdk.Validations.of(waiter).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-SF2",
                reason="The Provider's waiter state machine offers no X-Ray option; it only polls is_complete, "
                "whose every poll is logged (ALL events, WaiterLogs) with its result.",
            )
        )

    def _log_waiter(self, log_group: logs.LogGroup) -> None:
        """Log every state of the waiter, with the grants the Step Functions guide lists for log delivery."""
        waiter = self._provider.node.find_child("waiter-state-machine")
        grant(waiter.node.find_child("Role"), [WAITER_LOG_DELIVERY], None)
        state_machine = waiter.node.default_child
        state_machine.logging_configuration = sfn.CfnStateMachine.LoggingConfigurationProperty(
            destinations=[
                sfn.CfnStateMachine.LogDestinationProperty(
                    cloud_watch_logs_log_group=sfn.CfnStateMachine.CloudWatchLogsLogGroupProperty(
                        log_group_arn=log_group.log_group_arn
                    )
                )
            ],
            include_execution_data=False,
            level=sfn.LogLevel.ALL.value,
        )

    def _function(
        self,
        name: str,
        handler: str,
        code: lambda_.Code,
        timeout: cdk.Duration,
        environment: dict[str, str] | None = None,
    ) -> lambda_.Function:
        description = f"AgentCore runtime custom resource: {handler}"
        role = iam.Role(
            self, f"{name}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description
        )
        # The function logs to Lambda's default /aws/lambda/<name>: the group the provider framework names in the
        # failure reason that CloudFormation shows ("Logs: /aws/lambda/<name>").
        function = lambda_.Function(
            self,
            name,
            handler=handler,
            code=code,
            timeout=timeout,
            role=role,
            description=description,
            environment=environment,
            **HANDLER_PLATFORM,
        )
        log_to_own_group(self, name, function, role)
        return function
