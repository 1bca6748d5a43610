"""The server's log format, and two corrections to what the AgentCore SDK logs.

Every line is ``LEVEL logger message``, and every message of the agent's own states its fields first, then what
happened in words: ``logger.info("session=<%s>, turn=<%d> | turn saved", session, turn)`` (Strands' format; a message
without fields is just the words). Fields are %-style arguments, never formatted into the string beforehand, so a
line is only built when its level is on.

``BedrockAgentCoreApp`` logs "Invocation completed successfully" when the handler *returns*; for a stream that is
when it starts, so a stream that later ends in an error would read as a success. The record is kept, with its
timing, and says what it measures: the stream started. A stream that fails later is logged at ERROR by
``agent.streaming.events`` ("stream failed after it began").

The SDK's logger also has a handler of its own, which writes each record as JSON with the request and session ids;
passed on to the root logger as well, every SDK record was printed twice, once as JSON and once as plain text. The
JSON line is the one kept: ``python -m client logs --session`` finds it by its session id.
"""

from __future__ import annotations

import logging

SDK_LOGGER = "bedrock_agentcore.app"
_SDK_SUCCESS = "Invocation completed successfully (%.3fs)"
STREAM_STARTED = "Invocation stream started (%.3fs)"


class StreamStartFilter(logging.Filter):
    """Rewrites the SDK's premature success record; passes every other record unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record; reword only the SDK's success record."""
        if record.msg == _SDK_SUCCESS:
            record.msg = STREAM_STARTED
        return True


def configure(level: str) -> None:
    """Log to stderr at ``level`` in the ``LEVEL logger message`` format the README shows."""
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s %(message)s")
    sdk = logging.getLogger(SDK_LOGGER)
    sdk.propagate = False  # its own JSON handler writes it, once
    if not any(isinstance(existing, StreamStartFilter) for existing in sdk.filters):
        sdk.addFilter(StreamStartFilter())
