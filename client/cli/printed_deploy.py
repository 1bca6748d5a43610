"""What ``promote`` and ``rollback`` share: the stack they read, and the deploy they print.

The command goes alone on stdout, so that a script can run what it prints; what it changes goes to stderr.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any, TextIO

from client.aws import boto_session, make_client
from client.cli import options
from client.errors import ConfigurationError
from client.invocation import RuntimeArn
from client.operations import stack_name, stack_outputs
from client.operations.promotion import Promotion, deployed
from contract.deployment import OUTPUT_RUNTIME_ARN


@dataclass(frozen=True)
class DeployedRuntime:
    """The deployed stack's runtime, the control plane that answers for it, and the endpoints the stack gave it."""

    control: Any
    runtime_id: str
    setting: dict[str, str]


def deployed_runtime(args: argparse.Namespace) -> DeployedRuntime:
    """The runtime of the stack ``--stack`` names, and the endpoints setting it was deployed with.

    Raises:
        ConfigurationError: No such stack, or one whose deployment has not finished.
    """
    session = boto_session(args.profile)
    name = stack_name(args.stack)
    outputs = stack_outputs(make_client("cloudformation", region=args.region, session=session), name)
    if OUTPUT_RUNTIME_ARN not in outputs:
        raise ConfigurationError(f"stack {name!r} has no {OUTPUT_RUNTIME_ARN} output: wait for its deployment to end")
    arn = RuntimeArn.parse(outputs[OUTPUT_RUNTIME_ARN])
    control = make_client(
        "bedrock-agentcore-control", region=args.region or arn.region, endpoint_url=args.endpoint_url, session=session
    )
    return DeployedRuntime(control, arn.runtime_id, deployed(outputs))


def print_deploy(promotion: Promotion, out: TextIO, err: TextIO) -> None:
    """The command on ``out``; what it does, and what to add to it, on ``err``."""
    print(promotion.command, file=out)
    print(
        f"{promotion.summary()}. Nothing has changed yet: run the command above, adding the other -c settings you "
        "deploy with (or keep them in cdk.json).",
        file=err,
    )


PRINTS_A_DEPLOY = {
    "parents": options.CONTROL_PLANE,
    "refused": {
        "--url": "endpoints are the deployed runtime's; a local agent has none",
        "--arn": "the deploy printed is the stack's, whose Endpoints output names its endpoints; name it with --stack",
    },
}
"""What ``promote`` and ``rollback`` take: the stack, never a runtime by its ARN or a local agent."""
