"""The stack: the agent image, its AgentCore runtime with a least-privilege execution role, and the outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from constructs import Construct

from contract.agentcore import ACTOR_HEADER
from contract.deployment import (
    CLI_COMMAND,
    MEMORY_ID_ENV,
    OUTPUT_INVOKE_COMMAND,
    OUTPUT_MEMORY_ID,
    OUTPUT_REGION,
    OUTPUT_RUNTIME_ARN,
    OUTPUT_RUNTIME_ID,
)
from infra.auth.sign_in import sign_in
from infra.image import ContainerImage, RemoteImageBuild, local_image
from infra.memory import ConversationMemory
from infra.permission import grant
from infra.runtime import AgentCoreRuntime
from infra.runtime.arns import Arns
from infra.runtime.permissions import AGENT, RuntimeResources
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
        self.runtime = AgentCoreRuntime(
            self,
            "AgentRuntime",
            runtime_name=settings.runtime_name,
            image=image,
            model_id=settings.model_id,
            description="Streaming Strands agent",
            environment=environment or None,
            request_headers=[ACTOR_HEADER],
            authorizer=sign_in(self, settings),
        )
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
