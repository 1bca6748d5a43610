"""Talking to the agent: one prompt in, the answer out as it streams, on AgentCore Runtime or a local agent.

``Runtime`` calls ``InvokeAgentRuntime`` through boto3 (``client.invocation.invoke``), ``LocalAgent`` the container's
own ``POST /invocations``; both hand back a ``Stream`` of decoded values (``stream``, ``sse``). Around them: the runtime
ARN and session id rules checked before anything is sent (``arn``, ``session_ids``), and the one retry that is safe
for a call that is not idempotent (``retry``).
"""

from client.invocation.arn import EXAMPLE_ARN, RuntimeArn
from client.invocation.invoke import DEFAULT_QUALIFIER, LocalAgent, Runtime, connect
from client.invocation.session_ids import check_session_id, new_session_id
from client.invocation.sse import SSEDecoder, iter_values
from client.invocation.stream import Stream

__all__ = [
    "DEFAULT_QUALIFIER",
    "EXAMPLE_ARN",
    "LocalAgent",
    "Runtime",
    "RuntimeArn",
    "SSEDecoder",
    "Stream",
    "check_session_id",
    "connect",
    "iter_values",
    "new_session_id",
]
