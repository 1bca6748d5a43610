"""What ``POST /invocations`` answers: Server-Sent Events, each ``data:`` line one JSON value.

In ``text`` mode (the default, what AWS's tutorials emit) each value is a JSON string holding one text delta; in
``events`` mode each is a typed object. In both, a failure after the stream began ends it with one ``stream_error``
object, so that a reader never takes a cut answer for a whole one. The agent writes these, the client, the web relay
and the web page (``client/web/static/app.js``, held to these names by a test) read them.
"""

import enum
from typing import Any

TEXT_MODE = "text"
EVENTS_MODE = "events"
STREAM_MODES = (TEXT_MODE, EVENTS_MODE)
"""Values of the payload's ``stream`` field: ``text`` (default) or typed ``events``."""


class EventType(enum.StrEnum):
    """The ``type`` of each value in ``events`` mode, and of the error that ends a stream in either mode."""

    TEXT = "text"
    """``{"type": "text", "text": ...}``: a delta of the answer."""
    TOOL_USE = "tool_use"
    """``{"type": "tool_use", "id", "name", "input"}``: the model called a tool."""
    TOOL_RESULT = "tool_result"
    """``{"type": "tool_result", "id", "status", "content"}``: what the tool answered (``content`` as Converse has it,
    text and JSON blocks only)."""
    DONE = "done"
    """``{"type": "done", "stop_reason", "usage", "latency_ms}``: the turn is over; the last value of a whole answer."""
    STREAM_ERROR = "stream_error"
    """``{"type": "stream_error", "error": ...}``: the answer broke off; the last value of the stream."""


ANSWER_EVENTS = frozenset(EventType) - {EventType.STREAM_ERROR}
"""The event types of an answer that is still going well."""


AWS_SETUP_ERROR = "aws_setup"
"""``code`` of the error event that ends a stream before any answer when the agent cannot call AWS at all (no
credentials, credentials refused, no Region): its ``error`` says the fix, and a client reports a configuration
problem rather than an answer that broke off."""


def error_event(message: str) -> dict[str, Any]:
    """The value that ends a stream which failed after it began."""
    return {"error": message, "type": EventType.STREAM_ERROR}
