"""AWS CDK app that deploys the agent image to Amazon Bedrock AgentCore Runtime."""
