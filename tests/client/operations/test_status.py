"""What ``status`` shows of a runtime, line by line (the command itself: ``tests/client/cli/test_status.py``)."""

from __future__ import annotations

from client import RuntimeStatus

ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/streaming_agent-AbCdEf1234"


def test_status__lines_show_failure_reason_when_there_is_one():
    status = RuntimeStatus("agent", "agent-AbCdEf1234", ARN, "UPDATE_FAILED", "4", failure_reason="image not found")

    assert "failure   image not found" in status.lines()
    assert "status    UPDATE_FAILED" in status.lines()
