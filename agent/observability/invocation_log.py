"""One JSON line on stdout per invocation: how it ended, how fast, how big, which tools ran and for how long.

AgentCore ships the container's stdout to CloudWatch Logs, where ``python -m client logs`` and ``status`` read these
records back (``contract.record``) and CloudWatch Logs Insights discovers their fields. Each record is also an
Embedded Metric Format document (``agent.observability.metrics``), from which CloudWatch Logs makes the deployment's
metrics. A record carries no prompt and no answer text.

``InvocationLog`` is the outermost ASGI middleware: it starts a record (``agent.observability.recorder``) when
``POST /invocations`` arrives, sees the status the response starts with (a 4xx is a refusal, its ``error`` the
reason), sees the client hang up (an ``http.disconnect`` before the response finished), and prints the record when
the request is over, however it ended. With memory, that is once the turn's write has settled, a write later.

The record is printed with ``print``, not through ``logging``: it must be exactly one JSON line whatever
``LOG_LEVEL`` is, and OpenTelemetry's logging handler must not copy it into the ``otel-rt-logs`` stream.
"""

from __future__ import annotations

import sys

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.http.invocation_middleware import InvocationMiddleware
from agent.observability.metrics import EmbeddedMetrics
from agent.observability.recorder import RECORDER_KEY, InvocationRecorder
from contract.agentcore import SESSION_HEADER

_MAX_REFUSAL_BODY = 8192


def record_line(recorder: InvocationRecorder, metrics: EmbeddedMetrics) -> str:
    """The record as one line of JSON, with its metrics."""
    return metrics.line(recorder.record())


def emit(line: str) -> None:
    """Write a record line on stdout, flushed at once so that a crash cannot lose it."""
    print(line, file=sys.stdout, flush=True)


class InvocationLog(InvocationMiddleware):
    """ASGI middleware that prints one record per ``POST /invocations``, whatever the handler or the client did."""

    def __init__(self, app: ASGIApp, *, metrics: EmbeddedMetrics) -> None:
        super().__init__(app)
        self.metrics = metrics

    async def invocation(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Record the request while passing every message through unchanged."""
        recorder = InvocationRecorder(session_id=Headers(scope=scope).get(SESSION_HEADER))
        scope.setdefault("state", {})[RECORDER_KEY] = recorder
        refusal = bytearray()

        async def watched_receive() -> Message:
            message = await receive()
            if message["type"] == "http.disconnect" and not recorder.answered:
                recorder.hung_up = True
            return message

        async def watched_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                recorder.status = int(message["status"])
            elif message["type"] == "http.response.body":
                if recorder.status is not None and recorder.status >= 400 and len(refusal) < _MAX_REFUSAL_BODY:
                    refusal.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    recorder.answered = True
                    recorder.end()
            try:
                await send(message)
            except OSError:  # the server could not write: the client has gone
                recorder.hung_up = True
                raise

        try:
            await self.app(scope, watched_receive, watched_send)
        except BaseException:
            if recorder.status is None and not recorder.hung_up:
                recorder.status = 500
            raise
        finally:
            if refusal:
                recorder.refused(bytes(refusal))
            emit(record_line(recorder, self.metrics))
