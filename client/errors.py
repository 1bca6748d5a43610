"""What can go wrong when invoking the agent, as exceptions a caller can tell apart.

Every exception carries a message meant for a human at a terminal: what happened and, where there is one, what to
do about it. ``code`` names the failure the way the service (or the agent) named it.
"""

from __future__ import annotations


class AgentClientError(Exception):
    """Base class of every failure this package reports."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(AgentClientError):
    """The target cannot be called as configured: malformed ARN, no credentials, no region, no deployed stack."""


class AgentSetupError(ConfigurationError):
    """The agent answered nothing because it cannot call AWS where it runs: no credentials, refused ones, no Region.

    Its message, the agent's own, says how to fix that; every prompt fails the same way until the agent is restarted.
    """


class SignInExpiredError(ConfigurationError):
    """A signed-in user's token has expired and cannot be renewed: they sign in again."""


class EndpointUnreachableError(AgentClientError):
    """No answer from the endpoint: connection refused, unknown host, or a timeout before the answer began."""


class InvocationError(AgentClientError):
    """The service or the agent refused the invocation.

    Attributes:
        code: the service's error code (``ValidationException``, ``ResourceNotFoundException``…) or ``HTTP <status>``
            when a local agent answered with an HTTP error.
        status: the HTTP status code, when there was one.
        hint: what the agent suggests sending instead, when it said.
    """

    def __init__(self, code: str, message: str, *, status: int | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.code}: {self.message}" if self.message else self.code
        return f"{text} ({self.hint})" if self.hint else text


class ThrottledError(InvocationError):
    """Too many requests, or a quota reached: the same request may succeed later."""


class StreamError(InvocationError):
    """The answer began but did not finish: the agent sent an error event, or the stream broke off.

    Attributes:
        event: the error event as the agent sent it, or None when the stream broke off without one.
    """

    def __init__(self, code: str, message: str, *, event: dict | None = None) -> None:
        super().__init__(code, message)
        self.event = event


class TokenRefusedError(InvocationError):
    """The bearer token was refused (HTTP 401 or 403): expired, revoked, of another provider or app, or not taken here.

    Its hint says how to get one that works.
    """
