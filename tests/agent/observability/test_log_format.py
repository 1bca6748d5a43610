"""The agent's corrections to what the AgentCore SDK logs."""

from __future__ import annotations

import logging

from agent.observability.log_format import STREAM_STARTED, StreamStartFilter


def test_sdk_success_record__says_the_stream_started_not_that_the_invocation_succeeded():
    record = logging.LogRecord(
        "bedrock_agentcore.app", logging.INFO, "app.py", 1, "Invocation completed successfully (%.3fs)", (0.004,), None
    )

    kept = StreamStartFilter().filter(record)

    assert kept is True
    assert record.getMessage() == STREAM_STARTED % 0.004 == "Invocation stream started (0.004s)"
