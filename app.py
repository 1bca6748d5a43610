#!/usr/bin/env python3
"""CDK app: one stack that builds the agent image and runs it on Amazon Bedrock AgentCore Runtime."""

import sys

import aws_cdk as cdk

from infra.config import Settings, SettingsError
from infra.stack import AgentCoreStack

app = cdk.App()
try:
    settings = Settings.load(app.node)
except SettingsError as error:
    sys.exit(f"error: {error}")

AgentCoreStack(
    app,
    settings.stack_name,
    settings=settings,
    env=cdk.Environment(account=settings.account, region=settings.region),
    description="Streaming Strands agent on Amazon Bedrock AgentCore Runtime (image, execution role, runtime)",
)
app.synth()
