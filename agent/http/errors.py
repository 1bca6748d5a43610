"""Errors the web framework raises itself (unknown path, wrong method, a crash) answered as JSON.

Every other refusal of this server is a JSON object with ``error`` and ``hint``; a client that parses error bodies
must not meet Starlette's plain-text ``Not Found`` or ``Internal Server Error`` instead.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

ROUTES_HINT = "POST /invocations with a JSON body answers as Server-Sent Events; GET /ping reports health."


def answer_framework_errors_as_json(app: Starlette) -> None:
    """Make ``app`` answer its own HTTP errors and unhandled exceptions with a JSON body."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)  # noqa: S101 (registered for HTTPException only)
    return JSONResponse(
        {"error": f"{error.detail}: {request.method} {request.url.path}", "hint": ROUTES_HINT},
        status_code=error.status_code,
        headers=error.headers,
    )


async def _server_error(request: Request, error: Exception) -> Response:
    # Starlette re-raises the error once this answer is sent, so the server still logs its traceback.
    return JSONResponse(
        {"error": "the agent failed while answering this request; its log has the details", "hint": ROUTES_HINT},
        status_code=500,
    )
