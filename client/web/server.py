"""``python -m client web``: a single-page chat served locally, relaying each turn to the agent as it streams.

The page holds the conversation's state; this server only serves its files and relays turns. AWS credentials stay
in this process: it signs the requests to AgentCore (through the client library), and the page only ever talks to
this server. Everything the page needs is served from ``static/``, nothing from a CDN.

The relay's protocol, for the page: ``POST /api/turns`` with ``{"prompt": "...", "session_id": "..." | null}``
answers with ``X-Session-Id`` (the session to send next time) and ``application/x-ndjson``: one JSON value per line,
the agent's typed events (``contract.stream.EventType``) as they arrive, and a last ``{"type": "error", "kind": ...}``
line (``client.web.relay``) if the answer breaks off. A failure before the answer starts is a JSON
``{"error": {"kind", "message", "code", "hint"}}`` answer (``client.web.problems``) with a 4xx/5xx status instead: a
turn request it refuses (``client.web.turn_request``), and a turn beyond the cap on turns streaming at once (503).
Who may use the relay at all (its Host names, and the launch token on a network bind) is ``client.web.access``'s job;
for an agent that takes signed-in users' tokens, who each browser's user is, ``client.web.sign_in``'s.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import AsyncGenerator, Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from client.auth import SignIn
from client.errors import ConfigurationError
from client.invocation import LocalAgent
from client.web import DEFAULT_HOST, DEFAULT_PORT
from client.web.access import Access, AccessGuard, is_loopback, new_token, this_machines_names
from client.web.problems import Problem, ProblemKind, problem_of, problem_response
from client.web.relay import Agent, open_turn, relay_lines
from client.web.sign_in import WebSignIn
from client.web.turn_request import BODY_TIMEOUT_SECONDS, from_this_page, read_turn

STATIC_DIR = Path(__file__).parent / "static"
SESSION_ID_HEADER = "X-Session-Id"
"""The relay's answer header naming the turn's session, for the page to send with the next turn (a test holds the
page's ``app.js`` to it)."""
MAX_TURNS_IN_FLIGHT = 8
"""Turns the relay streams at once; each holds a thread and a connection to the agent. More are refused with 503."""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",  # an answer's image URL could carry data out; the page renders no images anyway
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
"""Second line of defence behind rendering Markdown without HTML: only this server's own scripts ever run."""

_SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
_CLOSE = {"Connection": "close"}
"""Sent with a refusal that leaves part of the body unread, which would otherwise be taken for the next request."""


def create_app(
    agent: Agent,
    *,
    access: Access | None = None,
    max_turns: int = MAX_TURNS_IN_FLIGHT,
    body_timeout: float = BODY_TIMEOUT_SECONDS,
    sign_in: WebSignIn | None = None,
) -> Starlette:
    """The chat page and its relay to ``agent``; with ``sign_in``, each turn as the user of the browser sending it.

    It answers only requests that ``access`` lets through (default: addressed to a loopback name, no token), so a web
    page elsewhere cannot reach it through DNS rebinding; a turn must be a same-origin JSON request, so another site
    cannot start one with a plain form post either. At most ``max_turns`` turns stream at once, and a turn's body
    must arrive within ``body_timeout`` seconds.
    """
    slots = threading.BoundedSemaphore(max_turns)

    async def index(request: Request) -> Response:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    async def target(request: Request) -> Response:
        kind, name = ("local", agent.url) if isinstance(agent, LocalAgent) else ("agentcore", agent.arn.arn)
        user = sign_in.user(request) if sign_in else None
        return JSONResponse(
            {"kind": kind, "target": name, "sign_in": sign_in is not None, "user": user.who if user else None},
            headers={"Cache-Control": "no-store"},
        )

    async def turns(request: Request) -> Response:
        refusal = await read_turn(request, body_timeout)
        if isinstance(refusal, Problem):
            return problem_response(refusal, _CLOSE if refusal.status in (408, 413) else None)
        prompt, session_id = refusal
        turn_agent = sign_in.agent_of(request) if sign_in else agent
        if turn_agent is None:
            return problem_response(Problem(ProblemKind.SIGNED_OUT, "sign in to ask the agent", 401))
        if not slots.acquire(blocking=False):
            message = f"the relay is already streaming {max_turns} turns, its limit; send this one when one has ended"
            return problem_response(Problem(ProblemKind.THROTTLED, message, 503), {"Retry-After": "1"})
        try:
            stream = await anyio.to_thread.run_sync(open_turn, turn_agent, prompt, session_id)
        except Exception as error:
            slots.release()
            return problem_response(problem_of(error))
        headers = {SESSION_ID_HEADER: stream.session_id, "Cache-Control": "no-store"}
        return _LineStream(relay_lines(stream), headers, on_end=slots.release)

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204)  # the page has no icon; a 404 would only clutter the browser's console

    routes = [
        Route("/", index),
        Route("/favicon.ico", no_icon),
        Route("/api/target", target),
        Route("/api/turns", turns, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR)),
    ]
    if sign_in is not None:
        signing_in = sign_in

        async def sign_out(request: Request) -> Response:
            refusal = from_this_page(request)  # another site's page must not sign this browser's user out
            return problem_response(refusal) if refusal is not None else await signing_in.logout(request)

        routes += [
            Route("/auth/login", signing_in.login),
            Route("/auth/callback", signing_in.callback),
            Route("/auth/logout", sign_out, methods=["POST"]),
        ]
    middleware = [Middleware(_SecurityHeaders), Middleware(AccessGuard, access=access or Access.loopback())]
    return Starlette(routes=routes, middleware=middleware)


def check_bind(host: str, port: int, *, allow_remote: bool) -> None:
    """Refuse to serve the network unless asked to: whoever reaches the relay sends turns as this user."""
    if not is_loopback(host) and not allow_remote:
        raise ConfigurationError(
            f"--host {host} would serve the chat, and turns signed with your AWS credentials, to anyone who reaches "
            f"{host}:{port}; pass --allow-remote to serve it there with a token required on every request, or drop "
            f"--host to keep it on {DEFAULT_HOST}"
        )


def serve(
    agent: Agent,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    err: TextIO,
    allow_remote: bool = False,
    allow_hosts: Sequence[str] = (),
    sign_in: SignIn | None = None,
) -> None:
    """Serve the chat until interrupted.

    On a loopback address it needs no token. Any other address serves the network, signing turns with this user's
    credentials for whoever reaches it: refused unless ``allow_remote``, and then every request must carry a token
    printed here. With ``sign_in``, each browser's user signs in instead, which only a browser on this machine can
    (the provider sends it back to ``localhost``). A port already taken, or a network bind not allowed, is a
    ``ConfigurationError`` saying what to do.
    """
    check_bind(host, port, allow_remote=allow_remote)
    remote = not is_loopback(host)
    if sign_in is not None and remote:
        raise ConfigurationError(
            f"--host {host}: users sign in on this machine only, since the provider sends their browser back to "
            f"http://localhost:{port}; drop --host and --allow-remote (or reach it with ssh -L {port}:127.0.0.1:{port})"
        )
    access = Access.remote(host, allow_hosts, token=new_token()) if remote else Access.loopback(allow_hosts)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ConfigurationError(
            f"cannot listen on {host}:{port}: {error.strerror}; pass another --port (or --host)"
        ) from None
    target = agent.url if isinstance(agent, LocalAgent) else agent.arn.arn
    url = f"http://{'localhost' if sign_in else _shown_host(host, remote)}:{port}"
    if remote:
        signed = "" if isinstance(agent, LocalAgent) else ", signed with this user's AWS credentials"
        print(
            f"warning: serving on {host}:{port} to the network: anyone holding the token below sends turns to the "
            f"agent{signed}; plain HTTP carries the token unencrypted",
            file=err,
        )
        url = f"{url}/?token={access.token}"
    print(f"chat on {url} (agent: {target}); Ctrl-C stops", file=err, flush=True)
    users = WebSignIn(sign_in, agent) if sign_in else None
    app = create_app(agent, access=access, sign_in=users)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()


def _shown_host(host: str, remote: bool) -> str:
    """The host for the URL the relay prints: a wildcard bind is reached by this machine's name."""
    if remote and host in ("0.0.0.0", "::"):  # noqa: S104 - recognised, not bound to
        return this_machines_names()[0]
    return f"[{host}]" if ":" in host else host


class _LineStream:
    """A streamed answer that ends the moment the page hangs up, even while the agent is silent.

    Waiting for the next write to fail would leave a stopped turn running upstream until the agent's next chunk;
    listening for the disconnect instead ends it (and closes the upstream connection) at once.
    """

    def __init__(
        self, lines: AsyncGenerator[bytes, None], headers: dict[str, str], *, on_end: Callable[[], None]
    ) -> None:
        self._lines = lines
        self._headers = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
        self._on_end = on_end

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def stream() -> None:
            content_type = (b"content-type", b"application/x-ndjson; charset=utf-8")
            await send({"type": "http.response.start", "status": 200, "headers": [content_type, *self._headers]})
            async for line in self._lines:
                await send({"type": "http.response.body", "body": line, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})

        async def hang_up() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        try:
            async with anyio.create_task_group() as group:

                async def first_to_finish(job: Any) -> None:
                    await job()
                    group.cancel_scope.cancel()

                group.start_soon(first_to_finish, hang_up)
                await first_to_finish(stream)
        except* OSError:  # the page went away while a line was being written
            pass
        finally:
            await self._lines.aclose()
            self._on_end()


class _SecurityHeaders:
    """Adds the content security policy and its companions to every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
