"""The ARNs the runtime's permissions name, built in one stack's partition, account and Region.

Each is a pattern IAM matches (``*`` where the service picks the rest of the name at creation), so every wildcard
the stack grants starts here, and the permission that names it says why it can be no narrower.
"""

from __future__ import annotations

import aws_cdk as cdk

from infra.runtime.handler import properties as p


class Arns:
    """ARN builders for one stack: ``Arns(stack).runtimes("my_agent-*")``."""

    def __init__(self, stack: cdk.Stack) -> None:
        self.stack = stack

    def runtimes(self, ids: str = "*") -> str:
        """AgentCore runtimes whose ids match ``ids``; a runtime's id is its name, ``-`` and 10 characters."""
        return self.stack.format_arn(service="bedrock-agentcore", resource="runtime", resource_name=ids)

    def all_agentcore(self) -> str:
        """Anything of AgentCore in this account and Region: what the execution role's trust policy matches."""
        return self.stack.format_arn(service="bedrock-agentcore", resource="*")

    def runtime_log_groups(self, names: str = "*") -> str:
        """The log groups AgentCore creates for runtimes, ``/aws/bedrock-agentcore/runtimes/<names>``."""
        return self.log_groups(f"{p.RUNTIME_LOG_GROUP_PREFIX}{names}")

    def log_groups(self, names: str = "*") -> str:
        """CloudWatch Logs groups named ``names`` (every group of the account and Region by default)."""
        return self.stack.format_arn(
            service="logs", resource="log-group", resource_name=names, arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME
        )

    def workload_identity_directory(self) -> str:
        """The account's workload identity directory, which every workload identity action also names."""
        return self.stack.format_arn(
            service="bedrock-agentcore", resource="workload-identity-directory", resource_name="default"
        )

    def workload_identities(self, names: str = "*") -> str:
        """Workload identities named ``names``; AgentCore names a runtime's ``<runtime name>-<suffix>``."""
        return f"{self.workload_identity_directory()}/workload-identity/{names}"

    def service_linked_role(self, service: str, role_name: str) -> str:
        """The service-linked role ``role_name`` of ``service`` (IAM is global: no Region)."""
        return self.stack.format_arn(
            service="iam", region="", resource="role", resource_name=f"aws-service-role/{service}/{role_name}"
        )

    def inference_profile(self, profile_id: str) -> str:
        """A system inference profile of this account and Region."""
        return self.stack.format_arn(service="bedrock", resource="inference-profile", resource_name=profile_id)

    def foundation_model(self, model_id: str, region: str | None = None) -> str:
        """A foundation model (no account) in ``region``; None: this stack's Region, ``*``: any Region."""
        return self.stack.format_arn(
            service="bedrock", region=region, account="", resource="foundation-model", resource_name=model_id
        )

    def secret(self, secret_id: str) -> str:
        """A Secrets Manager secret named by name or ARN: a name matches the 6 characters the service appends."""
        if secret_id.startswith("arn:"):
            return secret_id
        return self.stack.format_arn(
            service="secretsmanager",
            resource="secret",
            resource_name=f"{secret_id}-??????",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )
