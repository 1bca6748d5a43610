"""The stack: the agent image, its AgentCore runtime with a least-privilege execution role, and the outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ecr_assets as ecr_assets
from constructs import Construct

from client.stack import OUTPUT_INVOKE_COMMAND, OUTPUT_REGION, OUTPUT_RUNTIME_ARN, OUTPUT_RUNTIME_ID
from infra.config import Settings
from infra.runtime import AgentCoreRuntime

REPO_ROOT = Path(__file__).resolve().parent.parent

IMAGE_CONTEXT_EXCLUDES = ["*", "!Dockerfile", "!agent", "**/__pycache__", "**/*.pyc", "**/.pytest_cache"]
"""Docker-style patterns: the build context is the Dockerfile and ``agent/``, so only they decide the image tag."""


class AgentCoreStack(cdk.Stack):
    """Builds the repo-root Dockerfile for linux/arm64 and runs it as an AgentCore runtime."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        image_directory: Path = REPO_ROOT,
        **kwargs: Any,
    ) -> None:
        """Define the image asset, the runtime and the outputs.

        :param settings: names, model and Region of this deployment.
        :param image_directory: directory holding ``Dockerfile`` and ``agent/``. Default: the repository root.
        """
        super().__init__(scope, construct_id, **kwargs)
        image = ecr_assets.DockerImageAsset(
            self,
            "AgentImage",
            directory=str(image_directory),
            platform=ecr_assets.Platform.LINUX_ARM64,
            exclude=IMAGE_CONTEXT_EXCLUDES,
            ignore_mode=cdk.IgnoreMode.DOCKER,
        )
        self.runtime = AgentCoreRuntime(
            self,
            "AgentRuntime",
            runtime_name=settings.runtime_name,
            image=image,
            model_id=settings.model_id,
            description="Streaming Strands agent",
        )

        # Output keys are the ones `python -m client` reads to find the runtime without being told its ARN.
        cdk.CfnOutput(self, OUTPUT_RUNTIME_ARN, value=self.runtime.runtime_arn, description="agentRuntimeArn")
        cdk.CfnOutput(self, OUTPUT_RUNTIME_ID, value=self.runtime.runtime_id, description="agentRuntimeId")
        cdk.CfnOutput(self, OUTPUT_REGION, value=self.region, description="Region of the runtime")
        cdk.CfnOutput(
            self,
            OUTPUT_INVOKE_COMMAND,
            value=cdk.Fn.join(
                "", ["python -m client invoke --region ", self.region, " --arn ", self.runtime.runtime_arn, ' "Hello"']
            ),
            description="Invoke the deployed agent from this repository",
        )
