"""Small request helpers for the agent's HTTP tests."""

from __future__ import annotations

from typing import Any

import httpx

from contract.agentcore import SESSION_HEADER
from fakes.sse import sse_values

SESSION_A = "session-a-" + "a" * 40
SESSION_B = "session-b-" + "b" * 40


def invoke(http: httpx.Client, url: str, payload: Any, session: str | None = None) -> httpx.Response:
    """POST a payload (already JSON-serialisable) and read the whole response."""
    headers = {SESSION_HEADER: session} if session else {}
    return http.post(f"{url}/invocations", json=payload, headers=headers)


def stream_values(http: httpx.Client, url: str, payload: Any, session: str | None = None) -> list[Any]:
    """POST a payload and decode every SSE value of the streamed answer."""
    response = invoke(http, url, payload, session)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    return list(sse_values(response.text.split("\n")))  # SSE lines end at LF only, never at U+2028
