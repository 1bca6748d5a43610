"""What the stack hands on: the container's environment, and the outputs the client finds the runtime by.

``infra/`` writes these and ``agent/`` and ``client/`` read them; a name changed here changes on both sides at once.
"""

DEFAULT_MODEL_ID = "us.anthropic.claude-sonnet-4-20250514-v1:0"
"""Cross-region inference profile the agent uses unless the deployment (or ``MODEL_ID``) names another."""

# Environment variables the stack sets on the runtime, read by the agent (agent/settings.py).
MODEL_ID_ENV = "MODEL_ID"
"""The model (or inference profile) the agent calls."""
MODEL_REGION_ENV = "BEDROCK_REGION"
"""The Region to call Bedrock in; the stack sets it to its own Region, the one its execution role is scoped to.
Without it the agent uses ``AWS_REGION``."""
SYSTEM_PROMPT_ENV = "SYSTEM_PROMPT"
"""The agent's system prompt; unset, the agent's own default (``agent.tools.prompt``)."""
SECRET_IDS_ENV = "SECRET_IDS"  # noqa: S105 - the name of a variable holding secret ids, not a secret
"""A JSON object: the name the agent's code reads a secret by -> the Secrets Manager secret id (name or ARN) to read
it from, at run time (``agent.secrets``). Only ids, never a secret's value."""
MEMORY_ID_ENV = "MEMORY_ID"
"""The AgentCore Memory that keeps conversations; unset, they live in process only."""

DEFAULT_STACK_NAME = "AgentCoreStreamingAgent"
"""Name of the CDK stack unless the deployment chose another."""
STACK_NAME_ENV = "AGENTCORE_STACK_NAME"
"""Environment variable naming the stack, for a deployment under another name (the CDK app and the client)."""

CLI_COMMAND = ".venv/bin/python -m client"
"""The client's command line as a user types it from the repository, in any shell, after ``make install``: the
commands this project prints for a user to run next (the stack's ``InvokeCommand`` output included) start with it."""

# ``OutputKey`` of each CloudFormation output the stack declares and the client reads.
OUTPUT_RUNTIME_ARN = "RuntimeArn"
OUTPUT_RUNTIME_ID = "RuntimeId"
OUTPUT_REGION = "Region"
OUTPUT_INVOKE_COMMAND = "InvokeCommand"
OUTPUT_MEMORY_ID = "MemoryId"
OUTPUT_DASHBOARD_URL = "DashboardUrl"
"""The CloudWatch console URL of the stack's dashboard; absent with ``dashboard=false``."""
OUTPUT_ALARM_TOPIC_ARN = "AlarmTopicArn"
"""The SNS topic the stack's alarms notify; absent with ``alarms=false``."""
OUTPUT_ENDPOINTS = "Endpoints"
"""The named endpoints, as the ``endpoints`` setting writes them (``contract.endpoints``); only when there are some."""

WARMUP_PATH = "/warmup"
"""Where the agent takes AgentCore's warm-up hook, a ``POST`` on its serving port, which the stack configures on
platform V2. Callers reach only ``/invocations`` and ``/ping`` through ``InvokeAgentRuntime``, never this path."""
