"""End a session's microVM now, through the data plane's ``StopRuntimeSession``, rather than at its idle timeout.

AgentCore keeps a session's microVM (and bills it) until the session has been idle for the runtime's idle timeout;
a client that knows the conversation is over can end it at once. The conversation itself stays in AgentCore Memory:
the session's next invocation starts a new microVM, which reads it back.
"""

from __future__ import annotations

import boto3

from client.aws import aws_errors, make_client
from client.invocation.arn import RuntimeArn
from client.invocation.session_ids import check_session_id


def stop_session(
    arn: str,
    session_id: str,
    *,
    qualifier: str,
    region: str | None = None,
    endpoint_url: str | None = None,
    session: boto3.session.Session | None = None,
) -> None:
    """Stop runtime session ``session_id`` of the runtime ``arn`` reached through endpoint ``qualifier``.

    Raises:
        ConfigurationError: A session id or ARN AgentCore would refuse, or no credentials.
        InvocationError: The service refused (an unknown session: ``ResourceNotFoundException``).
    """
    parsed = RuntimeArn.parse(arn)
    check_session_id(session_id)
    # The request carries an idempotency token, so botocore's retries cannot stop anything twice.
    region = region or parsed.region
    client = make_client("bedrock-agentcore", region=region, endpoint_url=endpoint_url, session=session)
    with aws_errors():
        client.stop_runtime_session(agentRuntimeArn=parsed.arn, runtimeSessionId=session_id, qualifier=qualifier)
