"""Names shared by the ``AgentCoreRuntime`` construct and its custom-resource handler.

The resource properties are the ``CreateAgentRuntime`` request's own parameter names, so that the handler
passes them through untouched; the attributes are what the handler returns in ``Data``.
This module is bundled with the handler, so it imports nothing outside the standard library.
"""

RESOURCE_TYPE = "Custom::AgentCoreRuntime"

# Resource properties: parameter names of CreateAgentRuntime (bedrock-agentcore-control).
AGENT_RUNTIME_NAME = "agentRuntimeName"
AGENT_RUNTIME_ARTIFACT = "agentRuntimeArtifact"
ROLE_ARN = "roleArn"
NETWORK_CONFIGURATION = "networkConfiguration"
ENVIRONMENT_VARIABLES = "environmentVariables"
LIFECYCLE_CONFIGURATION = "lifecycleConfiguration"
PROTOCOL_CONFIGURATION = "protocolConfiguration"
DESCRIPTION = "description"

# Request parameters the handler sets itself; a template must not set them.
CLIENT_TOKEN = "clientToken"
AGENT_RUNTIME_ID = "agentRuntimeId"
AGENT_RUNTIME_VERSION = "agentRuntimeVersion"
HANDLER_OWNED = frozenset({CLIENT_TOKEN, AGENT_RUNTIME_ID, AGENT_RUNTIME_VERSION})

# Attributes (Fn::GetAtt) returned in Data.
ATTR_ARN = "AgentRuntimeArn"
ATTR_ID = "AgentRuntimeId"
ATTR_VERSION = "AgentRuntimeVersion"
