"""What the stack shows an operator and tells them: a dashboard, alarms to an encrypted topic, the runtime's traces.

- ``metrics``: the agent's metrics (the ones each invocation record carries) and AgentCore's own, as CloudWatch metrics.
- ``dashboard``: ``AgentDashboard``, one CloudWatch dashboard of them, with the stack's functions' errors.
- ``alarms``: ``AgentAlarms``, the alarms and the SNS topic (encrypted with a key of its own) they notify.
- ``traces``: ``RuntimeTraces``, AgentCore's own spans of the runtime delivered to X-Ray.
"""

from infra.monitoring.alarms import AgentAlarms, Thresholds
from infra.monitoring.dashboard import AgentDashboard
from infra.monitoring.metrics import RuntimeMetrics
from infra.monitoring.traces import RuntimeTraces

__all__ = ["AgentAlarms", "AgentDashboard", "RuntimeMetrics", "RuntimeTraces", "Thresholds"]
