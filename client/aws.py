"""boto3 clients configured for long streams, and botocore's failures turned into this package's exceptions."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from client.errors import (
    AgentClientError,
    ConfigurationError,
    EndpointUnreachableError,
    InvocationError,
    ThrottledError,
)

DEFAULT_READ_TIMEOUT = 3600.0
"""Seconds to wait for the next bytes of an answer: AgentCore keeps a stream open for up to 60 minutes."""

CALL_READ_TIMEOUT = 60.0
"""Seconds to wait for the answer of an ordinary (not streaming) call, botocore's own default."""

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a TCP (and TLS) connection."""

_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")
_THROTTLING_CODES = frozenset({"ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException"})
_HINTS = {
    "ResourceNotFoundException": "check the runtime ARN and its region, and that the stack is deployed",
    "AccessDeniedException": "the caller's IAM identity needs bedrock-agentcore:InvokeAgentRuntime on this runtime",
    "RuntimeClientError": "the agent failed; its logs are in CloudWatch under /aws/bedrock-agentcore/runtimes/",
    "ThrottlingException": "too many requests right now; try again in a moment",
    "UnrecognizedClientException": "the AWS credentials are not valid for this account or region",
    "ExpiredTokenException": "the AWS session has expired; log in again",
}


def boto_session(profile: str | None = None) -> boto3.session.Session:
    """A boto3 session for ``profile`` (default: the environment's), failing as ``ConfigurationError``."""
    with aws_errors():
        return boto3.session.Session(profile_name=profile)


def boto_config(
    read_timeout: float = DEFAULT_READ_TIMEOUT, *, botocore_retries: bool = True, signed: bool = True
) -> Config:
    """Client settings for AgentCore's APIs.

    With ``botocore_retries`` botocore's ``standard`` mode retries throttling, 5xx answers and connection failures
    (3 attempts unless ``AWS_MAX_ATTEMPTS`` or the profile says otherwise): right for reads such as
    ``GetAgentRuntime``. Without it every call is sent once, for ``InvokeAgentRuntime``, which must not be resent
    on a failure that may have reached the agent (``client.invocation.retry`` retries what is safe). Without
    ``signed`` requests carry no SigV4 signature and need no AWS credentials: a bearer token authorizes them.
    """
    return Config(
        read_timeout=read_timeout,
        connect_timeout=CONNECT_TIMEOUT,
        retries={"mode": "standard"} if botocore_retries else {"mode": "standard", "total_max_attempts": 1},
        user_agent_appid="agentcore-streaming-client",
        **({} if signed else {"signature_version": UNSIGNED}),
    )


def make_client(
    service: str,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    read_timeout: float = CALL_READ_TIMEOUT,
    session: boto3.session.Session | None = None,
    botocore_retries: bool = True,
    signed: bool = True,
) -> Any:
    """A boto3 client for ``service``; configuration problems surface as ``ConfigurationError``.

    ``read_timeout`` defaults to one suited to ordinary calls; pass ``DEFAULT_READ_TIMEOUT`` for streams.
    ``botocore_retries=False`` sends every call once, ``signed=False`` signs none (see ``boto_config``).
    """
    # boto3 reads AWS_DEFAULT_REGION and the profile; AWS_REGION (the AWS CLI v2's and Lambda's) is honoured too.
    region = region or os.environ.get("AWS_REGION") or None
    with aws_errors():
        session = session or boto3.session.Session()
        try:
            return session.client(
                service,
                region_name=region,
                endpoint_url=endpoint_url,
                config=boto_config(read_timeout, botocore_retries=botocore_retries, signed=signed),
            )
        except ValueError as error:  # botocore's "Invalid endpoint: ..."
            raise ConfigurationError(f"{error}; expected a URL such as https://host or http://127.0.0.1:8080") from None


@contextmanager
def aws_errors() -> Iterator[None]:
    """Translate what botocore raises into ``AgentClientError`` subclasses with a message for a human."""
    try:
        yield
    except ClientError as error:
        raise invocation_error(error) from None
    except (NoCredentialsError, PartialCredentialsError):
        raise ConfigurationError(
            "no AWS credentials found: run `aws configure` or `aws sso login`, or set AWS_PROFILE or "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        ) from None
    except NoRegionError:
        raise ConfigurationError("no AWS region: pass --region or set AWS_REGION or AWS_DEFAULT_REGION") from None
    except (ProfileNotFound, ParamValidationError) as error:
        raise ConfigurationError(str(error)) from None
    except (EndpointConnectionError, ConnectTimeoutError) as error:
        endpoint = _origin(error.kwargs.get("endpoint_url"))
        raise EndpointUnreachableError(f"cannot connect to {endpoint}: {_reason(error)}") from None
    except ReadTimeoutError as error:
        endpoint = _origin(error.kwargs.get("endpoint_url"))
        raise EndpointUnreachableError(f"no answer from {endpoint} before the read timeout") from None
    except (ConnectionClosedError, HTTPClientError) as error:
        raise EndpointUnreachableError(f"the connection failed: {error}") from None
    except BotoCoreError as error:
        raise AgentClientError(str(error)) from None


def invocation_error(error: ClientError) -> InvocationError:
    """The exception for a service error answer, keeping the service's code and message."""
    details = error.response.get("Error", {})
    code = details.get("Code") or "UnknownError"
    message = details.get("Message") or ""
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    kind = ThrottledError if code in _THROTTLING_CODES or status == 429 else InvocationError
    return kind(code, message, status=status, hint=_HINTS.get(code))


def _origin(url: str | None) -> str:
    """``scheme://host:port`` of a request URL: the endpoint, without the long encoded path."""
    if not url:
        return "the endpoint"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else url


def _reason(error: BotoCoreError) -> str:
    return socket_reason(error.kwargs.get("error") or error)


def socket_reason(error: BaseException) -> str:
    """The operating system's words for a connection failure ("Connection refused"), without object reprs."""
    match = _ERRNO.search(str(error))
    return match.group(1).strip() if match else str(error)
