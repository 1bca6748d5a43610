"""Names shared by the ``AgentCoreRuntime`` construct (and its endpoints) and their custom-resource handler.

The resource properties are the ``CreateAgentRuntime`` (``CreateAgentRuntimeEndpoint``) request's own parameter names,
so that the handler passes them through untouched; the attributes are what the handler returns in ``Data``.
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
TAGS = "tags"
"""Create-only in the service model: the handler applies changes with TagResource/UntagResource."""
REQUEST_HEADER_CONFIGURATION = "requestHeaderConfiguration"
PLATFORM_VERSION = "platformVersion"
HOOKS_CONFIGURATION = "hooksConfiguration"
AUTHORIZER_CONFIGURATION = "authorizerConfiguration"
"""Absent for SigV4 (IAM) callers; ``UpdateAgentRuntime`` takes it, so switching modes updates the runtime in place."""

# Request parameters the handler sets itself; a template must not set them.
CLIENT_TOKEN = "clientToken"
AGENT_RUNTIME_ID = "agentRuntimeId"
AGENT_RUNTIME_VERSION = "agentRuntimeVersion"
HANDLER_OWNED = frozenset({CLIENT_TOKEN, AGENT_RUNTIME_ID, AGENT_RUNTIME_VERSION})

ENDPOINT_RESOURCE_TYPE = "Custom::AgentCoreRuntimeEndpoint"
# Endpoint resource properties: parameter names of CreateAgentRuntimeEndpoint, besides AGENT_RUNTIME_ID,
# AGENT_RUNTIME_VERSION and DESCRIPTION above.
ENDPOINT_NAME = "name"
ENDPOINT_HANDLER_OWNED = frozenset({CLIENT_TOKEN, TAGS})
"""What an endpoint's properties must not set: the handler writes the token and the (owner) tags."""

# Tags the handler writes on every runtime it creates. The owner tags mark a runtime as this resource's, and the
# handler's IAM policy reaches only runtimes carrying this stack's id. Anyone who may tag runtimes can copy them,
# though: a runtime CloudFormation does not know by its id is taken over only when it also carries the create token
# of the very request that is looking for it, a value no one can know before that request exists.
OWNER_STACK_TAG = "agentcore-runtime:cfn-stack-id"
OWNER_LOGICAL_ID_TAG = "agentcore-runtime:cfn-logical-id"
CREATE_TOKEN_TAG = "agentcore-runtime:cfn-create-token"
"""The clientToken of the create that made the runtime; removed by the first update in place."""
REPLACEMENT_TOKEN_TAG = "agentcore-runtime:cfn-replacement-token"
"""On a runtime a rename replaces: the clientToken of the create of its replacement, written before that create. The
rollback of a failed rename finds the replacement CloudFormation never learned of by it; removed by the rollback."""
REPLACES_TAG = "agentcore-runtime:cfn-replaces"
"""On a runtime a rename created: the id of the runtime it replaced, to which the rollback of that rename returns."""
PREVIOUS_VERSION_TAG = "agentcore-runtime:cfn-previous-version"
"""On an endpoint: the version it served before its last change, which ``python -m client rollback`` goes back to
(``contract.endpoints`` holds the same name; a test holds the two equal)."""
HANDLER_TAGS = frozenset(
    {OWNER_STACK_TAG, OWNER_LOGICAL_ID_TAG, CREATE_TOKEN_TAG, REPLACEMENT_TOKEN_TAG, REPLACES_TAG, PREVIOUS_VERSION_TAG}
)
BOOKKEEPING_TAGS = frozenset({CREATE_TOKEN_TAG, REPLACEMENT_TOKEN_TAG})
"""Handler tags that serve one request and its rollback: the first update in place removes them."""

RUNTIME_LOG_GROUP_PREFIX = "/aws/bedrock-agentcore/runtimes/"
"""AgentCore writes a runtime's logs to ``<prefix><agentRuntimeId>-<endpoint>`` and leaves them after a delete."""

# Attributes (Fn::GetAtt) returned in Data.
ATTR_ARN = "AgentRuntimeArn"
ATTR_ID = "AgentRuntimeId"
ATTR_VERSION = "AgentRuntimeVersion"
ATTR_ABANDONED_ID = "AbandonedRuntimeId"
"""Internal: a runtime of this resource that CloudFormation never learned of, deleted while the rollback settles."""
ATTR_ENDPOINT_ARN = "AgentRuntimeEndpointArn"
ATTR_LIVE_VERSION = "LiveVersion"
"""The version an endpoint serves once its change settled."""
ATTR_DELETE_REQUESTED_AT = "DeleteRequestedAt"
"""Internal, in a Delete's Data: when on_event first asked for the deletion (Unix time), for is_complete's deadline."""

GIVE_UP_AFTER_ENV = "GIVE_UP_AFTER_SECONDS"
"""The is_complete function's variable: seconds after which it stops waiting for a deletion and fails, naming what is
left and how to delete it, before the provider framework's own timeout fails it with a bare "Operation timed out"."""
