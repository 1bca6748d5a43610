"""AgentCore runtime ARNs: check them before calling AWS, and read the region and runtime id out of them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from client.errors import ConfigurationError

_RUNTIME_ARN = re.compile(
    r"arn:(?P<partition>aws[-a-z]*):bedrock-agentcore:(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+):(?P<account>\d{12})"
    r":runtime/(?P<runtime_id>[a-zA-Z0-9_-]+)"
)
EXAMPLE_ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_agent-AbCdEf1234"


@dataclass(frozen=True)
class RuntimeArn:
    """The parts of ``arn:aws:bedrock-agentcore:<region>:<account>:runtime/<runtime id>``."""

    arn: str
    partition: str
    region: str
    account: str
    runtime_id: str

    @classmethod
    def parse(cls, arn: str) -> RuntimeArn:
        """Split a runtime ARN into its parts, or raise ``ConfigurationError`` showing what one looks like."""
        match = _RUNTIME_ARN.fullmatch(arn.strip())
        if match is None:
            raise ConfigurationError(f"{arn!r} is not an AgentCore runtime ARN; expected one like {EXAMPLE_ARN}")
        return cls(arn=match.group(0), **match.groupdict())

    def __str__(self) -> str:
        return self.arn
