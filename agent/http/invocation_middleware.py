"""The base of the agent's ASGI middlewares, which each look at ``POST /invocations`` and at nothing else.

The record, the token check and the body guard must let ``/ping``, ``/warmup`` and every other request through
untouched (a health check must not be refused or recorded as an invocation); deciding that in one place keeps the
three from drifting apart on what counts as an invocation.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from starlette.types import ASGIApp, Receive, Scope, Send


def is_invocation(scope: Scope) -> bool:
    """Whether an ASGI scope is ``POST /invocations``, the one request the agent's middlewares look at."""
    return scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/invocations"


class InvocationMiddleware(ABC):
    """ASGI middleware that hands ``POST /invocations`` to ``invocation`` and passes every other request through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch: an invocation to ``invocation``, anything else straight to the wrapped app."""
        if is_invocation(scope):
            await self.invocation(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    @abstractmethod
    async def invocation(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ``POST /invocations``, calling ``self.app`` to hand it on (or answering it here)."""
