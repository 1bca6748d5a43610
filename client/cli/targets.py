"""Which agent a command talks to: ``--url``, ``--arn``, or the runtime the deployed stack's outputs name.

Nobody should have to copy an ARN around: without ``--arn`` or ``--url`` the runtime is found in the stack's
``RuntimeArn`` output (``client.operations.stack``), and a terminal is told which one that was.
"""

from __future__ import annotations

import argparse
from typing import TextIO

import boto3

from client.aws import boto_session, make_client
from client.cli.options import endpoint_of
from client.invocation import LocalAgent, Runtime
from client.operations import runtime_arn, stack_name


def agent_for(args: argparse.Namespace, err: TextIO) -> Runtime | LocalAgent:
    """The agent to invoke: a local one for ``--url``, else the runtime through AgentCore."""
    actor_id = getattr(args, "actor", None)  # `web` names no actor
    if args.url:
        refuse_aws_options_with_url(args)
        return LocalAgent(args.url, read_timeout=args.read_timeout, actor_id=actor_id)
    session, arn = aws_target(args, err)
    return Runtime(
        arn,
        region=args.region,
        endpoint_url=args.endpoint_url,
        qualifier=endpoint_of(args),
        read_timeout=args.read_timeout,
        session=session,
        actor_id=actor_id,
    )


def aws_target(args: argparse.Namespace, err: TextIO) -> tuple[boto3.session.Session, str]:
    """The boto3 session for ``--profile`` and the runtime ARN: ``--arn``, else the deployed stack's output."""
    session = boto_session(args.profile)
    return session, args.arn or _discover_arn(args, session, err)


def refuse_aws_options_with_url(args: argparse.Namespace) -> None:
    """A usage error when ``--url`` comes with options that only mean something on AgentCore."""
    given = [
        flag
        for flag, value in (
            ("--region", args.region),
            ("--endpoint-url", args.endpoint_url),
            ("--profile", args.profile),
            ("--stack", args.stack),
            ("--endpoint", getattr(args, "endpoint", None)),
        )
        if value
    ]
    if given:
        args.parser.error(f"{', '.join(given)} apply to AgentCore, not to --url")


def _discover_arn(args: argparse.Namespace, session: boto3.session.Session, err: TextIO) -> str:
    name = stack_name(args.stack)
    cloudformation = make_client("cloudformation", region=args.region, session=session)
    arn = runtime_arn(cloudformation, name)
    if err.isatty():
        print(f"runtime {arn} (stack {name})", file=err)
    return arn
