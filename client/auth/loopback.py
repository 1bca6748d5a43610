"""The browser's way back to ``python -m client login``: one redirect to ``http://localhost:PORT/callback``.

RFC 8252's loopback redirect for a native app: a server on this machine, for the length of one sign-in, listening on
the first free port of the registered ones (Cognito matches a redirect URI exactly, port included). It takes the
redirect whose ``state`` is this sign-in's, and refuses any other (a redirect someone else made, to sign this user in
as them) without giving up the wait. Bound to 127.0.0.1 only: nothing elsewhere can send it a code.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

from client.auth.pkce import same
from client.errors import ConfigurationError, EndpointUnreachableError, InvocationError
from contract.auth import LOGIN_CALLBACK_PATH, login_redirect_uri

LISTEN_HOST = "127.0.0.1"


@dataclass
class _Outcome:
    code: str | None = None
    error: str | None = None
    refused: int = 0


class LoopbackRedirect:
    """A one-sign-in server on the first of ``ports`` that is free, waiting for the redirect with ``state``.

    Raises:
        ConfigurationError: every port is taken.
    """

    def __init__(self, ports: Sequence[int], state: str) -> None:
        self._state = state
        self._outcome = _Outcome()
        self._arrived = threading.Event()
        self._server = _bind(ports, self._handler())
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="login-redirect", daemon=True)
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        """The redirect URI to send the provider, as registered."""
        return login_redirect_uri(self.port)

    @property
    def refused(self) -> int:
        """Redirects refused so far for a ``state`` that is not this sign-in's."""
        return self._outcome.refused

    def wait(self, timeout: float) -> str:
        """The code the provider sent back; then the server stops.

        Raises:
            InvocationError: the provider answered with an error (the user declined, the client is unknown...).
            EndpointUnreachableError: no redirect arrived within ``timeout`` seconds.
        """
        try:
            if not self._arrived.wait(timeout):
                raise EndpointUnreachableError(
                    f"no sign-in came back to {self.redirect_uri} within {timeout:g} s; run login again and finish "
                    "signing in in the browser"
                )
        finally:
            self.close()
        if self._outcome.error or not self._outcome.code:
            raise InvocationError("sign_in_refused", f"the provider did not sign you in: {self._outcome.error}")
        return self._outcome.code

    def close(self) -> None:
        """Stop listening (also done when ``wait`` returns)."""
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != LOGIN_CALLBACK_PATH:
                    self._answer(404, "Nothing here.")
                    return
                query = {name: values[0] for name, values in parse_qs(url.query).items()}
                receiver._received(query, self._answer)

            def _answer(self, status: int, text: str) -> None:
                body = f"<!doctype html><title>Sign-in</title><p>{html.escape(text)}</p>".encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Say nothing: the terminal belongs to the command."""

        return Handler

    def _received(self, query: dict[str, str], answer: Callable[[int, str], None]) -> None:
        if self._arrived.is_set():
            answer(409, "This sign-in has already finished.")
            return
        if not same(self._state, query.get("state")):
            self._outcome.refused += 1
            answer(400, "Refused: this sign-in was not started here.")
            return
        if "code" in query:
            self._outcome.code = query["code"]
            answer(200, "Signed in. You can close this tab and go back to the terminal.")
        else:
            self._outcome.error = query.get("error_description") or query.get("error") or "no code"
            answer(400, f"Not signed in: {self._outcome.error}")
        self._arrived.set()


def _bind(ports: Sequence[int], handler: type[BaseHTTPRequestHandler]) -> HTTPServer:
    for port in ports:
        try:
            return HTTPServer((LISTEN_HOST, port), handler)
        except OSError:
            continue
    raise ConfigurationError(
        f"ports {', '.join(map(str, ports))} are all taken, and the provider sends the browser back to one of them: "
        "free one, or pass --port with another the app client lists as a callback"
    )
