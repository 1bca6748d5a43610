"""Find the deployed runtime from the CloudFormation stack's outputs, so nobody has to copy an ARN around.

The stack and output names are the contract's (``contract.deployment``): the CDK stack declares the same outputs.
"""

from __future__ import annotations

import os
from typing import Any

from botocore.exceptions import ClientError

from client.aws import aws_errors
from client.errors import ConfigurationError
from contract.deployment import DEFAULT_STACK_NAME, OUTPUT_RUNTIME_ARN, STACK_NAME_ENV


def stack_name(explicit: str | None = None) -> str:
    """The stack to look in: ``explicit``, else ``$AGENTCORE_STACK_NAME``, else the default name."""
    return explicit or os.environ.get(STACK_NAME_ENV) or DEFAULT_STACK_NAME


def stack_outputs(cloudformation: Any, name: str) -> dict[str, str]:
    """The outputs of the deployed stack ``name`` as ``{OutputKey: OutputValue}``.

    Raises ``ConfigurationError`` saying how to deploy it (or name it) when no such stack exists.
    """
    return _outputs(_describe(cloudformation, name))


def required_output(cloudformation: Any, name: str, key: str, *, missing: str) -> tuple[str, dict[str, str]]:
    """Output ``key`` of the stack ``name``, and all its outputs; ``missing`` says why a stack may lack it, and the fix.

    Raises ``ConfigurationError`` when the stack does not exist or has no such output.
    """
    outputs = stack_outputs(cloudformation, name)
    if key not in outputs:
        raise ConfigurationError(f"stack {name!r} has no {key} output: {missing}")
    return outputs[key], outputs


def runtime_arn(cloudformation: Any, name: str) -> str:
    """The ARN of the runtime the stack ``name`` deployed, from its ``RuntimeArn`` output."""
    return runtime_outputs(cloudformation, name)[OUTPUT_RUNTIME_ARN]


def runtime_outputs(cloudformation: Any, name: str) -> dict[str, str]:
    """The outputs of the stack ``name``, which has deployed its runtime: ``RuntimeArn`` is among them.

    Raises ``ConfigurationError`` when the stack does not exist or has no runtime yet.
    """
    stack = _describe(cloudformation, name)
    outputs = _outputs(stack)
    if OUTPUT_RUNTIME_ARN not in outputs:
        raise ConfigurationError(
            f"stack {name!r} ({stack.get('StackStatus', 'status unknown')}) has no {OUTPUT_RUNTIME_ARN} output; "
            "wait for its deployment to finish, or pass --arn"
        )
    return outputs


def _describe(cloudformation: Any, name: str) -> dict[str, Any]:
    with aws_errors():
        try:
            stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
        except ClientError as error:
            if "does not exist" not in error.response.get("Error", {}).get("Message", ""):
                raise
            stacks = []  # CloudFormation's answer for a stack never deployed, or deleted
    if not stacks:
        raise ConfigurationError(
            f"no stack named {name!r} is deployed in {cloudformation.meta.region_name}: deploy it with "
            f"`make deploy`, name another with --stack or ${STACK_NAME_ENV}, pass --region, or target a runtime "
            "directly with --arn or --url"
        )
    return stacks[0]


def _outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}
