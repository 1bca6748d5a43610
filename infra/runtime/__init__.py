"""An Amazon Bedrock AgentCore runtime as a CDK construct, split as aws-cdk-lib's own constructs are.

- ``construct``: ``AgentCoreRuntime``, the runtime and its execution role; ``endpoint``: a named endpoint of it.
- ``provider``: the stack's one custom-resource provider, its Lambda functions, roles and log groups.
- ``permissions``: every IAM statement of the execution role and of the handlers, one named entry each.
- ``arns``: the ARNs those statements name; ``checks``: what the construct refuses at synth time.
- ``handler/``: the provider's Lambda code, bundled on its own (standard library and boto3 only).

``AgentCoreRuntime`` is imported on first use: ``make destroy`` reads the handler's names from this package, and
must not start jsii (``aws_cdk``) to do so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infra.runtime.construct import AgentCoreRuntime

__all__ = ["AgentCoreRuntime"]


def __getattr__(name: str) -> Any:
    if name == "AgentCoreRuntime":
        from infra.runtime.construct import AgentCoreRuntime

        return AgentCoreRuntime
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
