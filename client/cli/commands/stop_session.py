"""End a session's microVM now, instead of when it has been idle for the runtime's idle timeout.

The conversation stays in AgentCore Memory: the session's next invocation starts a new microVM, which reads it back.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from client.cli import options, validators
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.cli.targets import aws_target
from client.invocation.stop import stop_session


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", metavar="ID", type=validators.session_id, help="the session to end")
    options.add_arn(parser.add_argument_group("runtime (default: the runtime of the deployed stack)"))


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    boto, arn = aws_target(args, err)
    where = {"region": args.region, "endpoint_url": args.endpoint_url, "session": boto}
    stop_session(arn, args.session, qualifier=options.endpoint_of(args), **where)
    err.write(f"stopped session {args.session} ({options.endpoint_of(args)})\n")
    return EXIT_OK


COMMAND = Command(
    help="end a session's microVM now (its conversation stays in memory)",
    parents=(options.RUNTIME_ENDPOINT, options.AWS, options.AGENTCORE_ENDPOINT),
    refused={"--url": "a local agent runs every session in its own process, which has no microVM to end"},
)
