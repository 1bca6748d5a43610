"""What the deployment is and did: its stack's outputs, the runtime's status, logs, metrics, traces, conversations.

``stack`` finds the runtime (and memory) from the CloudFormation outputs; ``status`` asks the control plane what is
running; ``runtime_logs`` reads the runtime's CloudWatch Logs, in which ``records`` recognises the agent's invocation
records (``contract.record``); ``metrics`` reads the last hour of the metrics those records carry; ``traces`` reads
the agent's spans from CloudWatch Transaction Search; ``conversations`` lists what AgentCore Memory keeps.
"""

from client.operations.conversations import Conversation, recent_conversations
from client.operations.records import LogEvent
from client.operations.runtime_logs import (
    DEFAULT_SINCE,
    LogFilter,
    LogGroupMissing,
    current_ms,
    follow_events,
    parse_since,
    read_events,
)
from client.operations.stack import required_output, runtime_arn, runtime_outputs, stack_name, stack_outputs
from client.operations.status import RuntimeStatus, runtime_status

__all__ = [
    "DEFAULT_SINCE",
    "Conversation",
    "LogEvent",
    "LogFilter",
    "LogGroupMissing",
    "RuntimeStatus",
    "current_ms",
    "follow_events",
    "parse_since",
    "read_events",
    "recent_conversations",
    "required_output",
    "runtime_arn",
    "runtime_outputs",
    "runtime_status",
    "stack_name",
    "stack_outputs",
]
