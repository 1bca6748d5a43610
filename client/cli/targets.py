"""Which agent a command talks to, and how it is authorized: ``--url``, ``--arn``, or the deployed stack's runtime.

Nobody should have to copy an ARN around: without ``--arn`` or ``--url`` the runtime is found in the stack's
``RuntimeArn`` output (``client.operations.stack``), and a terminal is told which one that was.

A runtime deployed with ``auth=cognito`` or ``jwt`` takes a signed-in user's bearer token instead of a SigV4
signature: ``--bearer-token`` (or ``AGENTCORE_BEARER_TOKEN``), else the login ``python -m client login`` keeps for
the stack, which also names its runtime, so neither needs AWS credentials. A stack whose outputs say it signs users
in, called with neither, is told to log in rather than sent a request AgentCore would refuse.
"""

from __future__ import annotations

import argparse
import os
from typing import TextIO

import boto3

from client.auth import LoginCache, SignedInToken, SignIn
from client.aws import boto_session, make_client
from client.cli.options import BEARER_TOKEN_ENV, endpoint_of
from client.errors import ConfigurationError
from client.invocation import LocalAgent, Runtime
from client.invocation.invoke import BearerToken
from client.operations import required_output, runtime_outputs, stack_name
from contract.deployment import CLI_COMMAND, OUTPUT_RUNTIME_ARN


def agent_for(args: argparse.Namespace, err: TextIO) -> Runtime | LocalAgent:
    """The agent to invoke: a local one for ``--url``, else the runtime through AgentCore, as it is authorized."""
    actor_id = getattr(args, "actor", None)  # `web` names no actor
    token: BearerToken | None = getattr(args, "bearer_token", None) or os.environ.get(BEARER_TOKEN_ENV) or None
    if args.url:
        refuse_aws_options_with_url(args)
        refuse_actor_with_token(args, token)
        return LocalAgent(args.url, read_timeout=args.read_timeout, actor_id=actor_id, bearer_token=token)
    arn = args.arn
    if token is None:
        login = LoginCache().load(stack_name(args.stack))
        if login is not None and (arn is None or arn == login.sign_in.runtime_arn):
            token, arn = SignedInToken(login, LoginCache()), arn or login.sign_in.runtime_arn
    if token is not None:
        refuse_actor_with_token(args, token)
        if arn is None:
            arn, _ = _deployed(args, boto_session(args.profile), err)  # reading outputs takes AWS credentials
        return Runtime(
            arn, region=args.region, endpoint_url=args.endpoint_url, read_timeout=args.read_timeout, bearer_token=token
        )
    session = boto_session(args.profile)
    if not arn:
        arn, sign_in = _deployed(args, session, err)
        if sign_in is not None:
            raise ConfigurationError(
                f"stack {stack_name(args.stack)!r} signs users in (it was deployed with auth=cognito or auth=jwt), and "
                f"takes their tokens instead of AWS credentials: run {CLI_COMMAND} login first, or pass --bearer-token"
            )
    return Runtime(
        arn,
        region=args.region,
        endpoint_url=args.endpoint_url,
        qualifier=endpoint_of(args),
        read_timeout=args.read_timeout,
        session=session,
        actor_id=actor_id,
    )


def web_target(args: argparse.Namespace, err: TextIO) -> tuple[Runtime | LocalAgent, SignIn | None]:
    """The agent the chat page relays to, and how its users sign in when it takes their tokens (None: it does not).

    The sign-in comes from ``--discovery-url`` and ``--client-id``, else the login kept for the stack, else the
    stack's outputs. Users then sign in in the page, and each turn carries the token of the user who sent it; the
    relay itself needs no AWS credentials.
    """
    flags = (args.discovery_url, args.client_id)
    if any(flags) and not all(flags):
        args.parser.error("--discovery-url and --client-id go together: the provider, and its app client")
    sign_in = SignIn(args.discovery_url, args.client_id) if all(flags) else None
    if args.url:
        refuse_aws_options_with_url(args)
        return LocalAgent(args.url, read_timeout=args.read_timeout), sign_in
    if sign_in is None and not args.arn:
        login = LoginCache().load(stack_name(args.stack))
        sign_in = login.sign_in if login is not None else None
    arn = args.arn or (sign_in.runtime_arn if sign_in else None)
    session = None
    if arn is None:
        session = boto_session(args.profile)
        arn, deployed_sign_in = _deployed(args, session, err)
        sign_in = sign_in or deployed_sign_in
    if sign_in is None:
        session = session or boto_session(args.profile)
        runtime = Runtime(
            arn, region=args.region, endpoint_url=args.endpoint_url, read_timeout=args.read_timeout, session=session
        )
        return runtime, None
    # Turns go through a copy of this runtime with the token of the user who sent each: it needs no credentials.
    return Runtime(arn, region=args.region, endpoint_url=args.endpoint_url, read_timeout=args.read_timeout), sign_in


def aws_target(args: argparse.Namespace, err: TextIO) -> tuple[boto3.session.Session, str]:
    """The boto3 session for ``--profile`` and the runtime ARN: ``--arn``, else the deployed stack's output."""
    session = boto_session(args.profile)
    return session, args.arn or _deployed(args, session, err)[0]


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


def refuse_actor_with_token(args: argparse.Namespace, token: BearerToken | None) -> None:
    """A usage error for ``--actor`` with a signed-in user: the token says whose conversation it is."""
    if token is not None and getattr(args, "actor", None):
        args.parser.error("--actor does not apply to a signed-in user: the token says whose conversation it is")


def stack_output(
    args: argparse.Namespace, session: boto3.session.Session, key: str, *, missing: str
) -> tuple[str, dict[str, str]]:
    """Output ``key`` of the stack ``--stack`` names, and all its outputs; ``missing`` says why it may lack it."""
    cloudformation = _cloudformation(args, session)
    return required_output(cloudformation, stack_name(args.stack), key, missing=missing)


def _deployed(args: argparse.Namespace, session: boto3.session.Session, err: TextIO) -> tuple[str, SignIn | None]:
    """The runtime ARN the deployed stack names, and how its users sign in (None for ``auth=iam``)."""
    name = stack_name(args.stack)
    outputs = runtime_outputs(_cloudformation(args, session), name)
    arn = outputs[OUTPUT_RUNTIME_ARN]
    if err.isatty():
        print(f"runtime {arn} (stack {name})", file=err)
    return arn, SignIn.from_outputs(name, outputs, getattr(args, "client_id", None))


def _cloudformation(args: argparse.Namespace, session: boto3.session.Session) -> object:
    return make_client("cloudformation", region=args.region, session=session)
