"""Who may use the chat relay: requests addressed to its own names, and holding the launch token on a network bind.

The relay signs every turn with the AWS credentials of the user who started it, so whoever can use it acts as that
user on the runtime. Bound to loopback, only this machine reaches it, and the Host check keeps web pages out (a page
elsewhere that rebinds its DNS name to 127.0.0.1 still sends its own name as Host). Bound to anything else, a random
token chosen at launch (as Jupyter does) must come with every request: in the URL the relay prints (``?token=``),
which the page trades for a cookie, or as ``Authorization: Bearer <token>`` from a script.
"""

from __future__ import annotations

import hmac
import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from client.web.problems import Problem, ProblemKind, problem_response
from contract.auth import is_loopback_host

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
"""Host names the relay always answers to: a browser on this machine uses one of them."""
TOKEN_PARAMETER = "token"  # noqa: S105 - the query parameter's name, not a secret
COOKIE_PREFIX = "agent-chat-token-"
"""Followed by the relay's port: cookies are not kept apart by port, two relays on one machine must not share one."""
_WILDCARDS = frozenset({"0.0.0.0", "::"})  # noqa: S104 - recognised, not bound to


def is_loopback(host: str) -> bool:
    """Whether serving on ``host`` (an address or a name) reaches this machine only."""
    return is_loopback_host(host)


def new_token() -> str:
    """A fresh launch token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def this_machines_names() -> list[str]:
    """The names a browser elsewhere may use for this machine: its host name and fully qualified name."""
    return [socket.gethostname(), socket.getfqdn()]


@dataclass(frozen=True)
class Access:
    """What a request needs to be served: a Host among ``hosts``, and ``token`` when one is set.

    Attributes:
        hosts: host names (lower case, IPv6 addresses without brackets) the relay answers to.
        token: the launch token every request must carry; None for a loopback relay, which needs none.
    """

    hosts: frozenset[str]
    token: str | None = None

    @classmethod
    def loopback(cls, extra_hosts: Iterable[str] = ()) -> Access:
        """A relay for this machine only: loopback names (and ``extra_hosts``), no token."""
        return cls(_names([*LOOPBACK_NAMES, *extra_hosts]))

    @classmethod
    def remote(cls, bound: str, extra_hosts: Iterable[str] = (), *, token: str) -> Access:
        """A relay bound to ``bound`` for the network: its address or this machine's names, and the token."""
        own = [] if bound in _WILDCARDS else [bound]
        return cls(_names([*LOOPBACK_NAMES, *own, *this_machines_names(), *extra_hosts]), token)

    def allows_host(self, header: str | None) -> bool:
        """Whether a request with this Host header is addressed to the relay."""
        return header is not None and _host_name(header) in self.hosts

    def holds_token(self, offered: str | None) -> bool:
        """Whether ``offered`` is the launch token (in constant time: the comparison must not leak how close it is)."""
        return self.token is None or (
            offered is not None and hmac.compare_digest(offered.encode(), self.token.encode())
        )


class AccessGuard:
    """Serve a request only when it is addressed to the relay and, if a token is set, carries it.

    A wrong Host is answered 400 and a missing or wrong token 403, both as the relay's JSON problem and saying
    nothing about the token. ``GET /?token=<token>`` (the URL the relay prints) is answered with a redirect to ``/``
    that sets the token as an HttpOnly, SameSite=Strict cookie: the page and everything it loads then carry it without
    the token staying in the address bar or the history, and no other site's page can send it.
    """

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer the request itself when it may not pass; hand it on otherwise."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope) -> Response | None:
        headers = Headers(scope=scope)
        host = headers.get("host")
        if not self.access.allows_host(host):
            shown = host if host is not None and host.isprintable() and len(host) <= 100 else "its Host"
            message = (
                f"requests addressed to {shown} are not served here; open the address the relay printed, or start it "
                "with --allow-host NAME for a name of this machine"
            )
            return problem_response(Problem(ProblemKind.BAD_REQUEST, message, 400))
        if self.access.token is None:
            return None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        from_url = next((value for name, value in query if name == TOKEN_PARAMETER), None)
        if from_url is not None and self.access.holds_token(from_url):
            opens_the_page = scope["method"] == "GET" and scope["path"] == "/"
            return _to_page_with_cookie(scope, query, from_url) if opens_the_page else None
        if self.access.holds_token(_cookie(headers, scope)) or self.access.holds_token(_bearer(headers)):
            return None
        message = (
            "this chat needs the token that python -m client web printed when it started: open the URL it showed "
            "(…/?token=…), or send Authorization: Bearer <token>"
        )
        return problem_response(Problem(ProblemKind.FORBIDDEN, message, 403))


def _cookie_name(scope: Scope) -> str:
    """The relay's cookie, named after the port it listens on."""
    server = scope.get("server") or (None, "")
    return f"{COOKIE_PREFIX}{server[1]}"


def _to_page_with_cookie(scope: Scope, query: list[tuple[str, str]], token: str) -> Response:
    rest = urlencode([(name, value) for name, value in query if name != TOKEN_PARAMETER])
    response = RedirectResponse(f"/?{rest}" if rest else "/", status_code=303, headers={"Cache-Control": "no-store"})
    response.set_cookie(_cookie_name(scope), token, httponly=True, samesite="strict", path="/")
    return response


def _cookie(headers: Headers, scope: Scope) -> str | None:
    cookies = SimpleCookie()
    try:
        cookies.load(headers.get("cookie", ""))
    except CookieError:  # a malformed Cookie header carries no token
        return None
    morsel = cookies.get(_cookie_name(scope))
    return morsel.value if morsel is not None else None


def _bearer(headers: Headers) -> str | None:
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


def _names(hosts: Iterable[str]) -> frozenset[str]:
    return frozenset(host.strip("[]").lower() for host in hosts if host)


def _host_name(header: str) -> str:
    """The name in a Host header, without its port: ``[::1]:8501`` → ``::1``, ``Example.com:8501`` → ``example.com``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    name, _, port = header.rpartition(":")
    return name if name and port.isdigit() and ":" not in name else header
