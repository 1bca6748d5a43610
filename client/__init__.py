"""Invoke the streaming agent on AgentCore Runtime (or locally) and get its answer as it streams.

Example::

    from client import connect

    agent = connect("arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_agent-AbCdEf1234")
    for text in agent.invoke("What time is it in Tokyo?"):
        print(text, end="", flush=True)

What lives where: ``client.invocation`` talks to the agent (``Runtime``, ``LocalAgent``, ``Stream``);
``client.operations`` reads what the deployment is and did (stack outputs, status, logs, conversations);
``client.terminal`` renders an answer at a terminal; ``client.cli`` is ``python -m client``, one module per command;
``client.web`` is the chat page's relay. ``client.errors`` (what can go wrong) and ``client.aws`` (boto3 clients and
botocore's failures in those terms) serve them all. The names below are the library's API.
"""

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
from client.invocation import (
    DEFAULT_QUALIFIER,
    LocalAgent,
    Runtime,
    RuntimeArn,
    SSEDecoder,
    Stream,
    connect,
    iter_values,
    new_session_id,
)
from client.operations import RuntimeStatus, runtime_arn, runtime_status, stack_outputs
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
