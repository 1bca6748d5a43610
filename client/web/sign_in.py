"""Sign in and Sign out on the chat page, for an agent that takes signed-in users' tokens (``auth=cognito``/``jwt``).

Each browser signs its own user in, with the authorization-code flow with PKCE: ``GET /auth/login`` sends it to the
provider, which sends it back to ``http://localhost:PORT/auth/callback`` (Cognito takes plain ``http`` for
``localhost`` only, so a page opened on 127.0.0.1 is first moved to ``localhost``). The relay trades the code, with
the verifier only it knows, for the user's tokens and keeps them in this process, under a random session id the
browser holds in an ``HttpOnly``, ``SameSite=Strict`` cookie; the page never sees a token. Every turn then goes to
the agent with the token of the user whose browser sent it, refreshed when it expires, so two browsers signed in as
two users are two users to the agent, and never see each other's conversations.

The callback is taken only with the ``state`` of a sign-in this relay started, and only from the browser that
started it (its short-lived, ``SameSite=Lax`` login cookie must match): nobody can send a user a link that signs
them in as someone else. ``POST /auth/logout`` (same-origin JSON only) forgets the tokens, revokes the refresh token,
and answers with the provider's sign-out page for the browser to visit, when it has one.
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from client.auth import Login, SignedInToken, SignIn, TokenSet
from client.auth.pkce import challenge, new_state, new_verifier, same
from client.auth.provider import Provider
from client.errors import AgentClientError
from client.invocation import LocalAgent, Runtime
from contract.auth import LOOPBACK_REDIRECT_HOST, WEB_CALLBACK_PATH, web_redirect_uri, web_signed_out_uri

Agent = Runtime | LocalAgent

SESSION_COOKIE_PREFIX = "agent-chat-session-"
LOGIN_COOKIE_PREFIX = "agent-chat-login-"
"""Each followed by the relay's port: cookies are not kept apart by port, two relays on one machine must not mix."""
LOGIN_SECONDS = 600
"""How long a sign-in may take between leaving for the provider and coming back."""
MAX_SESSIONS = 256
MAX_PENDING = 64
SCOPE = "openid email profile"


@dataclass
class _Pending:
    verifier: str
    browser: str
    started: float


@dataclass
class BrowserUser:
    """A browser's signed-in user: their token (kept current), the agent as they call it, and their name."""

    token: SignedInToken
    agent: Agent
    who: str


class WebSignIn:
    """The page's users, signed in to ``sign_in``'s provider, each with their own copy of ``agent``.

    Args:
        sign_in: the provider and app client the deployment's users sign in with.
        agent: the agent turns go to; each user gets a copy that sends their token.
    """

    def __init__(self, sign_in: SignIn, agent: Agent) -> None:
        self.sign_in = sign_in
        self._agent = agent
        self._provider: Provider | None = None
        self._pending: OrderedDict[str, _Pending] = OrderedDict()
        self._users: OrderedDict[str, BrowserUser] = OrderedDict()
        self._lock = threading.Lock()

    def user(self, request: Request) -> BrowserUser | None:
        """The signed-in user of the browser that sent ``request``, or None."""
        session = request.cookies.get(_name(SESSION_COOKIE_PREFIX, request))
        with self._lock:
            return self._users.get(session) if session else None

    def agent_of(self, request: Request) -> Agent | None:
        """The agent as the browser's user calls it, or None when no one is signed in there."""
        user = self.user(request)
        return user.agent if user else None

    async def login(self, request: Request) -> Response:
        """``GET /auth/login``: off to the provider, from ``localhost`` (where the provider sends the browser back)."""
        port = _port(request)
        if urlsplit(f"//{request.headers.get('host', '')}").hostname != LOOPBACK_REDIRECT_HOST:
            return RedirectResponse(f"http://{LOOPBACK_REDIRECT_HOST}:{port}/auth/login", status_code=303)
        provider = await self._provider_now()
        state, verifier, browser = new_state(), new_verifier(), secrets.token_urlsafe(32)
        with self._lock:
            self._forget_old_sign_ins()
            self._pending[state] = _Pending(verifier, browser, time.monotonic())
        url = provider.authorization_url(
            client_id=self.sign_in.client_id,
            redirect_uri=web_redirect_uri(port),
            state=state,
            challenge=challenge(verifier),
            scope=SCOPE,
        )
        response = RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})
        response.set_cookie(
            _name(LOGIN_COOKIE_PREFIX, request),
            browser,
            max_age=LOGIN_SECONDS,
            httponly=True,
            samesite="lax",  # sent along when the provider sends the browser back, a navigation from its site
            path=WEB_CALLBACK_PATH,
        )
        return response

    async def callback(self, request: Request) -> Response:
        """``GET /auth/callback``: the provider's code, for the browser that started this sign-in, traded for tokens."""
        state = request.query_params.get("state", "")
        with self._lock:
            pending = self._pending.pop(state, None)
        browser = request.cookies.get(_name(LOGIN_COOKIE_PREFIX, request))
        if pending is None or not same(pending.browser, browser):
            return _page(400, "Refused: this sign-in was not started in this browser. Go back to the chat and sign in.")
        if "code" not in request.query_params:
            reason = request.query_params.get("error_description") or request.query_params.get("error") or "no code"
            return _page(400, f"Not signed in: {reason}. Go back to the chat and try again.")
        try:
            provider = await self._provider_now()
            answer = await anyio.to_thread.run_sync(
                lambda: provider.exchange_code(
                    client_id=self.sign_in.client_id,
                    code=request.query_params["code"],
                    redirect_uri=web_redirect_uri(_port(request)),
                    verifier=pending.verifier,
                )
            )
        except AgentClientError as error:
            return _page(400, f"Not signed in: {error}. Go back to the chat and try again.")
        tokens = TokenSet.from_response(answer)
        login = Login("web", self.sign_in, tokens)
        token = SignedInToken(login, provider=provider)
        session = secrets.token_urlsafe(32)
        with self._lock:
            self._users[session] = BrowserUser(token, self._agent.with_bearer_token(token), tokens.who())
            while len(self._users) > MAX_SESSIONS:
                self._users.popitem(last=False)
        response = RedirectResponse("/", status_code=303, headers={"Cache-Control": "no-store"})
        response.set_cookie(_name(SESSION_COOKIE_PREFIX, request), session, httponly=True, samesite="strict", path="/")
        response.delete_cookie(_name(LOGIN_COOKIE_PREFIX, request), path=WEB_CALLBACK_PATH)
        return response

    async def logout(self, request: Request) -> Response:
        """``POST /auth/logout``: forget the browser's user, revoke their refresh token, name the provider's page."""
        name = _name(SESSION_COOKIE_PREFIX, request)
        with self._lock:
            user = self._users.pop(request.cookies.get(name, ""), None)
        provider = await self._provider_now()
        refresh = user.token.login.tokens.refresh_token if user else None
        if refresh:
            await anyio.to_thread.run_sync(lambda: provider.revoke(client_id=self.sign_in.client_id, token=refresh))
        url = self.sign_in.signed_out_url(provider.end_session_endpoint, web_signed_out_uri(_port(request)))
        response = JSONResponse({"signed_out_url": url}, headers={"Cache-Control": "no-store"})
        response.delete_cookie(name, path="/")
        return response

    async def _provider_now(self) -> Provider:
        if self._provider is None:
            self._provider = await anyio.to_thread.run_sync(Provider.discover, self.sign_in.discovery_url)
        return self._provider

    def _forget_old_sign_ins(self) -> None:
        now = time.monotonic()
        for state, pending in list(self._pending.items()):
            if now - pending.started > LOGIN_SECONDS or len(self._pending) >= MAX_PENDING:
                del self._pending[state]


def _port(request: Request) -> int:
    """The port the relay listens on, as the browser reached it."""
    server = request.scope.get("server") or ("", 0)
    return int(server[1])


def _name(prefix: str, request: Request) -> str:
    return f"{prefix}{_port(request)}"


def _page(status: int, text: str) -> Response:
    return HTMLResponse(
        f'<!doctype html><title>Sign-in</title><p>{html.escape(text)}</p><p><a href="/">Back to the chat</a></p>',
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )
