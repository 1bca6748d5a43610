"""Invoke the agent and get its answer as a ``Stream``: on AgentCore through boto3, or a local agent over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import urllib3
from urllib3.exceptions import HTTPError as URLLib3HTTPError
from urllib3.exceptions import LocationValueError, ReadTimeoutError

from client.aws import CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, aws_errors, make_client, socket_reason
from client.errors import (
    ConfigurationError,
    EndpointUnreachableError,
    InvocationError,
    ThrottledError,
    TokenRefusedError,
)
from client.invocation.arn import RuntimeArn
from client.invocation.retry import configured_attempts, send_at_most_once
from client.invocation.session_ids import check_session_id, new_session_id
from client.invocation.stream import Stream
from contract.agentcore import ACTOR_HEADER, PORT, SESSION_HEADER
from contract.auth import AUTHORIZATION_HEADER, AUTHORIZATION_MISMATCH, BEARER
from contract.stream import STREAM_MODES, TEXT_MODE

DEFAULT_QUALIFIER = "DEFAULT"
"""The runtime endpoint AgentCore creates with every runtime; it follows the latest version."""

BearerToken = str | Callable[[], str]
"""A bearer token, or what returns a current one each time it is called (refreshing it when it has expired)."""

NEW_TOKEN_HINT = "get a new one with python -m client login, or pass another with --bearer-token"  # noqa: S105 - advice
_ACCEPT = "text/event-stream, application/json"
_NO_ROUTE = frozenset({404, 405, 501})
"""What a server without the agent's routes answers ``POST /invocations`` or ``GET /ping`` with (not found, method
not allowed, or not implemented, as Python's own http.server says it)."""


class Runtime:
    """An agent deployed to AgentCore Runtime, invoked with boto3 ``bedrock-agentcore`` ``InvokeAgentRuntime``.

    Args:
        arn: the runtime ARN (``arn:aws:bedrock-agentcore:<region>:<account>:runtime/<id>``).
        region: region to call; defaults to the ARN's.
        endpoint_url: another data-plane endpoint, like the AWS CLI's ``--endpoint-url``.
        qualifier: the runtime endpoint to call (default ``DEFAULT``).
        read_timeout: seconds to wait for the next bytes of an answer (default one hour).
        session: the boto3 session whose credentials and profile to use (default: a new one).
        actor_id: whose conversations these are, sent as ``ACTOR_HEADER`` (default: none, the agent's default actor).
        bearer_token: a signed-in user's token, for a runtime that takes them: sent as ``Authorization: Bearer``
            instead of a SigV4 signature, so no AWS credentials are needed (default: SigV4).
    """

    def __init__(
        self,
        arn: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        qualifier: str = DEFAULT_QUALIFIER,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        session: boto3.session.Session | None = None,
        actor_id: str | None = None,
        bearer_token: BearerToken | None = None,
    ) -> None:
        self.arn = RuntimeArn.parse(arn)
        self.region = region or self.arn.region
        self.endpoint_url = endpoint_url
        self.qualifier = qualifier
        self.read_timeout = read_timeout
        self.bearer_token = bearer_token
        refuse_actor_with_token(actor_id, bearer_token)
        self._client = make_client(
            "bedrock-agentcore",
            region=self.region,
            endpoint_url=endpoint_url,
            read_timeout=read_timeout,
            session=session,
            botocore_retries=False,  # botocore would resend after a 5xx or a read timeout: see client.invocation.retry
            signed=bearer_token is None,
        )
        self.max_attempts = configured_attempts()
        if bearer_token is not None:
            # The same request as InvokeAgentRuntime's, unsigned: AgentCore takes the token in its place.
            self._client.meta.events.register(
                "before-sign.bedrock-agentcore.InvokeAgentRuntime",
                lambda request, **_: request.headers.__setitem__(AUTHORIZATION_HEADER, bearer(bearer_token)),
            )
        if actor_id:
            # InvokeAgentRuntime has no parameter for custom headers: add it before the request is signed.
            self._client.meta.events.register(
                "before-sign.bedrock-agentcore.InvokeAgentRuntime",
                lambda request, **_: request.headers.__setitem__(ACTOR_HEADER, actor_id),
            )

    def with_bearer_token(self, token: BearerToken) -> Runtime:
        """The same runtime, called with ``token`` (a user's) instead of this one's credentials."""
        return Runtime(
            self.arn.arn,
            region=self.region,
            endpoint_url=self.endpoint_url,
            qualifier=self.qualifier,
            read_timeout=self.read_timeout,
            bearer_token=token,
        )

    def invoke(self, prompt: str, *, session_id: str | None = None, stream: str = TEXT_MODE) -> Stream:
        """Send ``prompt`` and return the answer as it starts; iterate the ``Stream`` for its values.

        Raises ``InvocationError`` (``ThrottledError`` when throttled) if the service refuses the request,
        ``EndpointUnreachableError`` and ``ConfigurationError`` when it cannot be sent. Throttling and failures to
        connect are retried (``max_attempts`` in all); nothing that may have reached the agent is ever resent.
        """
        session_id = check_session_id(session_id) if session_id else new_session_id()
        payload = _payload(prompt, stream)
        try:
            with aws_errors():
                response = send_at_most_once(
                    lambda: self._client.invoke_agent_runtime(
                        agentRuntimeArn=self.arn.arn,
                        qualifier=self.qualifier,
                        runtimeSessionId=session_id,
                        contentType="application/json",
                        accept=_ACCEPT,
                        payload=payload,
                    ),
                    attempts=self.max_attempts,
                )
        except InvocationError as error:
            raise authorization_error(error, bearer=self.bearer_token is not None) from None
        return Stream(
            response["response"],
            content_type=response.get("contentType", ""),
            session_id=response.get("runtimeSessionId") or session_id,
            read_timeout=self.read_timeout,
        )


class LocalAgent:
    """The agent container (or ``python -m agent.server``) reached directly, for development.

    Args:
        url: the agent's base URL, e.g. ``http://localhost:8080``.
        read_timeout: seconds to wait for the next bytes of an answer (default one hour).
        actor_id: whose conversations these are, sent as ``ACTOR_HEADER`` (default: none, the agent's default actor).
        bearer_token: a signed-in user's token, for an agent that asks for one (``AUTH_DISCOVERY_URL``).
    """

    def __init__(
        self,
        url: str,
        *,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        actor_id: str | None = None,
        bearer_token: BearerToken | None = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ConfigurationError(f"{url!r} is not an http(s) URL; expected e.g. http://localhost:{PORT}")
        refuse_actor_with_token(actor_id, bearer_token)
        self.url = url.rstrip("/").removesuffix("/invocations")
        self.read_timeout = read_timeout
        self.bearer_token = bearer_token
        self._actor = {ACTOR_HEADER: actor_id} if actor_id else {}
        self._pool = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=read_timeout), retries=False
        )

    def with_bearer_token(self, token: BearerToken) -> LocalAgent:
        """The same agent, called with ``token`` (a user's)."""
        return LocalAgent(self.url, read_timeout=self.read_timeout, bearer_token=token)

    def invoke(self, prompt: str, *, session_id: str | None = None, stream: str = TEXT_MODE) -> Stream:
        """Send ``prompt`` to ``POST /invocations`` and return the answer as it starts, like ``Runtime.invoke``."""
        session_id = check_session_id(session_id) if session_id else new_session_id()
        response = self._request(
            "POST",
            "/invocations",
            body=_payload(prompt, stream),
            headers={
                "Content-Type": "application/json",
                "Accept": _ACCEPT,
                SESSION_HEADER: session_id,
                **self._actor,
                **({AUTHORIZATION_HEADER: bearer(self.bearer_token)} if self.bearer_token is not None else {}),
            },
        )
        if response.status >= 400:
            raise self._not_an_agent(response, "POST /invocations") or authorization_error(
                _agent_error(response), bearer=self.bearer_token is not None
            )
        return Stream(
            response,
            content_type=response.headers.get("Content-Type", ""),
            session_id=session_id,
            read_timeout=self.read_timeout,
        )

    def ping(self) -> dict[str, Any]:
        """The agent's health, from ``GET /ping`` (``{"status": "Healthy"}`` or ``"HealthyBusy"``)."""
        response = self._request("GET", "/ping")
        if response.status >= 400:
            raise self._not_an_agent(response, "GET /ping") or _agent_error(response)
        try:
            return json.loads(response.read())
        finally:
            response.release_conn()

    def _not_an_agent(self, response: urllib3.BaseHTTPResponse, request: str) -> ConfigurationError | None:
        """The error for a server that has no such route: the agent always has both, so the URL is another server's."""
        if response.status not in _NO_ROUTE:
            return None
        response.release_conn()
        return ConfigurationError(
            f"{self.url} is not an agent: it answered {request} with HTTP {response.status}. Check the URL and its "
            f"port: make local serves the agent on http://127.0.0.1:{PORT}"
        )

    def _request(self, method: str, path: str, **kwargs: Any) -> urllib3.BaseHTTPResponse:
        try:
            return self._pool.request(method, self.url + path, preload_content=False, **kwargs)
        except LocationValueError as error:
            raise ConfigurationError(f"{self.url!r} is not a URL ({error}); expected http://host:port") from None
        except ReadTimeoutError:
            raise EndpointUnreachableError(f"no answer from {self.url} before the read timeout") from None
        except URLLib3HTTPError as error:
            raise EndpointUnreachableError(
                f"cannot connect to {self.url}: {socket_reason(error)} (is the agent running? `make local`)"
            ) from None


def connect(
    target: str,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
) -> Runtime | LocalAgent:
    """The agent at ``target``: a runtime ARN (called through AgentCore) or an ``http(s)://`` URL (called directly)."""
    if target.startswith(("http://", "https://")):
        return LocalAgent(target, read_timeout=read_timeout)
    return Runtime(target, region=region, endpoint_url=endpoint_url, read_timeout=read_timeout)


def bearer(token: BearerToken) -> str:
    """The ``Authorization`` header's value for ``token`` (asked for afresh, when it is a callable)."""
    return f"{BEARER} {token() if callable(token) else token}"


def refuse_actor_with_token(actor_id: str | None, bearer_token: BearerToken | None) -> None:
    """An actor and a token together are refused: the token's user owns the conversation, and the agent says 403."""
    if actor_id and bearer_token is not None:
        raise ConfigurationError(
            "an actor id does not apply with a bearer token: the signed-in user owns the conversation"
        )


def authorization_error(error: InvocationError, *, bearer: bool) -> InvocationError:
    """``error``, or what it means for how the request was authorized: a token refused, or the wrong kind sent.

    AgentCore answers 401 for a missing token and 403 for one it refuses; the agent behind it says 401 and 403 too
    (as the local agent does). A 403 that is AgentCore's "authorization method mismatch" means the runtime takes the
    other kind: SigV4 where it takes tokens (deployed with ``auth=cognito`` or ``jwt``), or a token where it takes
    SigV4 (``auth=iam``).
    """
    mismatch = AUTHORIZATION_MISMATCH.lower() in error.message.lower()
    if mismatch and not bearer:
        return InvocationError(
            error.code,
            error.message,
            status=error.status,
            hint="this runtime takes signed-in users' tokens, not AWS credentials: run python -m client login, or "
            "pass --bearer-token",
        )
    if not bearer or error.status not in (401, 403):
        return error
    if mismatch:
        hint = "this runtime takes AWS credentials (deployed with auth=iam): run python -m client logout, and drop "
        hint += "--bearer-token and AGENTCORE_BEARER_TOKEN"
    else:
        hint = NEW_TOKEN_HINT
    message = f"the bearer token was refused (HTTP {error.status}): {error.message}"
    return TokenRefusedError(error.code, message, status=error.status, hint=hint)


def _payload(prompt: str, stream: str) -> bytes:
    if stream not in STREAM_MODES:
        raise ValueError(f"stream must be one of {', '.join(STREAM_MODES)}, not {stream!r}")
    return json.dumps({"prompt": prompt, "stream": stream}, ensure_ascii=False).encode()


def _agent_error(response: urllib3.BaseHTTPResponse) -> InvocationError:
    """The agent's own error answer (``{"error", "hint"}``) as an exception."""
    try:
        raw = response.read()
    finally:
        response.release_conn()
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if isinstance(body, dict) and "error" in body:
        message, hint = str(body["error"]), body.get("hint")
    else:
        message, hint = " ".join(raw.decode("utf-8", errors="replace").split())[:500], None  # one line
    kind = ThrottledError if response.status == 429 else InvocationError
    return kind(f"HTTP {response.status}", message, status=response.status, hint=hint)
