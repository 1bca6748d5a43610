"""Send an invocation again only when it certainly never reached the agent.

``InvokeAgentRuntime`` is not idempotent: a prompt sent twice is two turns, tools and all. botocore's retry modes
resend on 5xx answers, read timeouts and broken connections, each of which can happen after the agent has started
the turn, so the invocation client turns them off and retries here, on two failures only:

- throttling (``ThrottlingException``, HTTP 429): AgentCore refused the request at its front door, before any
  container saw it;
- no connection (connection refused, unknown host, connect timeout): the request was never written to a socket.

Anything else (5xx, a read timeout, a connection that broke after the request was sent) may have started a turn,
so it is reported, never resent.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

from client.errors import ConfigurationError

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_ATTEMPTS = 3
"""Attempts in all, as botocore's standard mode makes unless ``AWS_MAX_ATTEMPTS`` says otherwise."""
ATTEMPTS_ENV = "AWS_MAX_ATTEMPTS"
BACKOFF_BASE_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 20.0
_THROTTLING = "ThrottlingException"


def configured_attempts() -> int:
    """Attempts in all for one invocation: ``AWS_MAX_ATTEMPTS`` (as for every AWS SDK), else 3."""
    raw = os.environ.get(ATTEMPTS_ENV)
    if not raw:
        return DEFAULT_ATTEMPTS
    try:
        attempts = int(raw)
    except ValueError:
        attempts = 0
    if attempts < 1:
        raise ConfigurationError(f"{ATTEMPTS_ENV}={raw!r} is not a positive whole number of attempts")
    return attempts


def never_reached_the_agent(error: BaseException) -> bool:
    """True when ``error`` proves the request was not delivered, so sending it again cannot repeat a turn."""
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return code == _THROTTLING or status == 429
    return isinstance(error, EndpointConnectionError | ConnectTimeoutError)


def send_at_most_once(send: Callable[[], T], *, attempts: int) -> T:
    """Call ``send`` until it succeeds, retrying (with jittered exponential backoff) only undelivered requests."""
    for attempt in range(1, attempts):
        try:
            return send()
        except Exception as error:
            if not never_reached_the_agent(error):
                raise
            pause = random.uniform(0, min(MAX_BACKOFF_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1)))  # noqa: S311
            logger.info(
                "attempt=<%d>, error=<%s>, pause_s=<%.2f> | invocation not delivered, retrying", attempt, error, pause
            )
            time.sleep(pause)
    return send()
