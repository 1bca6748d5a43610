#!/usr/bin/env python3
"""CDK app: one stack that builds the agent image and runs it on Amazon Bedrock AgentCore Runtime (infra/app.py)."""

from infra.app import main

main()
