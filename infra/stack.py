"""The stack: the agent image, its AgentCore runtime with a least-privilege execution role, and the outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from constructs import Construct

from contract import endpoints
from contract.agentcore import ACTOR_HEADER
from contract.deployment import (
    CLI_COMMAND,
    MEMORY_ID_ENV,
    OUTPUT_ALARM_TOPIC_ARN,
    OUTPUT_DASHBOARD_URL,
    OUTPUT_ENDPOINTS,
    OUTPUT_INVOKE_COMMAND,
    OUTPUT_MEMORY_ID,
    OUTPUT_REGION,
    OUTPUT_RUNTIME_ARN,
    OUTPUT_RUNTIME_ID,
    WARMUP_PATH,
)
from infra.auth.sign_in import sign_in
from infra.image import ContainerImage, RemoteImageBuild, local_image
from infra.memory import ConversationMemory
from infra.monitoring import AgentAlarms, AgentDashboard, RuntimeMetrics, RuntimeTraces, Thresholds
from infra.network import RuntimeNetwork
from infra.permission import grant
from infra.runtime import AgentCoreRuntime
from infra.runtime.arns import Arns
from infra.runtime.checks import PLATFORM_WITH_HOOKS
from infra.runtime.permissions import AGENT, RuntimeResources
from infra.runtime.provider import RuntimeProvider
from infra.settings import IMAGE_BUILD_LOCAL, DeploymentSettings

REPO_ROOT = Path(__file__).resolve().parent.parent


class AgentCoreStack(cdk.Stack):
    """Builds the Dockerfile for linux/arm64 (in CodeBuild, or locally) and runs it as an AgentCore runtime."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: DeploymentSettings,
        image_directory: Path = REPO_ROOT,
        **kwargs: Any,
    ) -> None:
        """Define the image, the runtime and the outputs.

        Args:
            scope: The app.
            construct_id: The stack's name.
            settings: Names, model, Region and agent settings of this deployment.
            image_directory: Directory holding ``Dockerfile``, ``agent/`` and ``contract/``. Default: the repository
                root.
            **kwargs: The ``cdk.Stack`` properties (``env``, ``description``).
        """
        super().__init__(scope, construct_id, **kwargs)
        image: ContainerImage
        if settings.image_build == IMAGE_BUILD_LOCAL:
            image = local_image(self, "AgentImage", directory=image_directory)
        else:
            image = RemoteImageBuild(
                self, "AgentImage", directory=image_directory, images_to_keep=settings.images_to_keep
            )
        self.memory = _memory(self, settings)
        environment = settings.container_environment()  # the same variables `make local` gives the agent
        if self.memory:
            environment[MEMORY_ID_ENV] = self.memory.memory_id
        self.network = (
            RuntimeNetwork(
                self,
                "Network",
                subnet_ids=settings.vpc_subnets,
                security_group_ids=settings.vpc_security_groups,
                vpc_id=settings.vpc_id,
                endpoints=settings.vpc_endpoints,
                secrets=bool(settings.secrets),
            )
            if settings.vpc_subnets
            else None
        )
        self.runtime = AgentCoreRuntime(
            self,
            "AgentRuntime",
            runtime_name=settings.runtime_name,
            image=image,
            model_id=settings.model_id,
            description="Streaming Strands agent",
            environment=environment or None,
            request_headers=[ACTOR_HEADER],
            vpc=self.network.placement if self.network else None,
            idle_session_timeout=_seconds(settings.idle_session_timeout),
            max_lifetime=_seconds(settings.max_session_lifetime),
            platform_version=settings.platform_version,
            # On V2 AgentCore snapshots the agent once it is up: the hook lets it warm up first (agent/warmup.py).
            warmup_path=WARMUP_PATH if settings.platform_version == PLATFORM_WITH_HOOKS else None,
            authorizer=sign_in(self, settings),
        )
        if self.network:
            # The image is pulled through the subnets: their VPC endpoints, if the stack makes them, come first.
            self.runtime.node.add_dependency(self.network)
        for name, version in settings.endpoints.items():
            self.runtime.add_endpoint(name, version=None if version == endpoints.LATEST else version)
        grant(
            self.runtime.role,
            AGENT,
            RuntimeResources(
                Arns(self),
                memory_arn=self.memory.memory_arn if self.memory else "",
                secret_ids=tuple(settings.secrets.values()),
            ),
        )
        if self.memory:
            cdk.CfnOutput(self, OUTPUT_MEMORY_ID, value=self.memory.memory_id, description="AgentCore Memory id")
        _monitoring(self, settings, image)
        if settings.endpoints:
            # What `python -m client promote` and `rollback` change one entry of, to print the deploy that does it.
            cdk.CfnOutput(
                self,
                OUTPUT_ENDPOINTS,
                value=endpoints.spec(settings.endpoints),
                description="Named endpoints and the versions they serve (the endpoints setting)",
            )

        # Output keys are the ones `python -m client` reads to find the runtime without being told its ARN.
        cdk.CfnOutput(self, OUTPUT_RUNTIME_ARN, value=self.runtime.runtime_arn, description="agentRuntimeArn")
        cdk.CfnOutput(self, OUTPUT_RUNTIME_ID, value=self.runtime.runtime_id, description="agentRuntimeId")
        cdk.CfnOutput(self, OUTPUT_REGION, value=self.region, description="Region of the runtime")
        cdk.CfnOutput(
            self,
            OUTPUT_INVOKE_COMMAND,
            value=cdk.Fn.join(
                "", [f"{CLI_COMMAND} invoke --region ", self.region, " --arn ", self.runtime.runtime_arn, ' "Hello"']
            ),
            description="Invoke the deployed agent from this repository",
        )


def _memory(stack: cdk.Stack, settings: DeploymentSettings) -> ConversationMemory | None:
    """The memory that keeps conversations between sessions, unless the deployment turned it off."""
    if not settings.memory:
        return None
    return ConversationMemory(
        stack,
        "ConversationMemory",
        memory_name=f"{settings.runtime_name[:41]}_memory",
        event_expiry=cdk.Duration.days(settings.memory_expiry_days),
        description=f"Conversations of AgentCore runtime {settings.runtime_name}",
    )


def _monitoring(stack: AgentCoreStack, settings: DeploymentSettings, image: ContainerImage) -> None:
    """The alarms and the dashboard on the runtime's metrics, and its traces, unless the deployment turned them off."""
    if settings.traces:
        RuntimeTraces(stack, "Traces", runtime_arn=stack.runtime.runtime_arn, runtime_name=settings.runtime_name)
    metrics = RuntimeMetrics(settings.metrics_namespace, settings.runtime_name, stack.runtime.runtime_arn)
    alarms = None
    if settings.alarms:
        alarms = AgentAlarms(
            stack,
            "Alarms",
            metrics=metrics,
            thresholds=Thresholds(
                error_rate_percent=settings.alarm_error_rate_percent,
                ttfc_p99_ms=settings.alarm_ttfc_p99_ms,
                throttles=settings.alarm_throttles,
                memory_write_failures=settings.alarm_memory_write_failures,
            ),
            email=settings.alarm_email,
        )
        cdk.CfnOutput(
            stack, OUTPUT_ALARM_TOPIC_ARN, value=alarms.topic.topic_arn, description="SNS topic the alarms notify"
        )
    if settings.dashboard:
        provider = RuntimeProvider.of(stack)
        functions = {"runtime on_event": provider.on_event, "runtime is_complete": provider.is_complete}
        if isinstance(image, RemoteImageBuild):
            functions["image build trigger"] = image.trigger_function
        dashboard = AgentDashboard(
            stack, "Dashboard", metrics=metrics, functions=functions, alarms=alarms.alarms if alarms else None
        )
        cdk.CfnOutput(stack, OUTPUT_DASHBOARD_URL, value=dashboard.url, description="CloudWatch dashboard")


def _seconds(seconds: int | None) -> cdk.Duration | None:
    return None if seconds is None else cdk.Duration.seconds(seconds)
