"""Invoke the streaming agent on AgentCore Runtime (or locally) and get its answer as it streams.

Example::

    from client import connect

    agent = connect("arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_agent-AbCdEf1234")
    for text in agent.invoke("What time is it in Tokyo?"):
        print(text, end="", flush=True)
"""

from client.arn import RuntimeArn
from client.aws import DEFAULT_READ_TIMEOUT, boto_config
from client.errors import (
    AgentClientError,
    AgentSetupError,
    ConfigurationError,
    EndpointUnreachableError,
    InvocationError,
    StreamError,
    ThrottledError,
)
from client.invoke import DEFAULT_QUALIFIER, LocalAgent, Runtime, connect
from client.session import new_session_id
from client.sse import SSEDecoder, iter_values
from client.stack import runtime_arn, stack_outputs
from client.status import RuntimeStatus, runtime_status
from client.stream import Stream
from contract.deployment import DEFAULT_STACK_NAME

__all__ = [
    "DEFAULT_QUALIFIER",
    "DEFAULT_READ_TIMEOUT",
    "DEFAULT_STACK_NAME",
    "AgentClientError",
    "AgentSetupError",
    "ConfigurationError",
    "EndpointUnreachableError",
    "InvocationError",
    "LocalAgent",
    "Runtime",
    "RuntimeArn",
    "RuntimeStatus",
    "SSEDecoder",
    "Stream",
    "StreamError",
    "ThrottledError",
    "boto_config",
    "connect",
    "iter_values",
    "new_session_id",
    "runtime_arn",
    "runtime_status",
    "stack_outputs",
]
