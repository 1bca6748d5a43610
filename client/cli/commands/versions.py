"""List the runtime's versions, newest first: when each was made, its image tag, and the endpoints serving it.

DEFAULT serves the latest version; a named endpoint the one the stack pins it to (promote, rollback).
"""

from __future__ import annotations

import argparse
from typing import TextIO

from client.cli import options, validators
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.cli.targets import aws_target
from client.operations.versions import HEADER, runtime_versions

DEFAULT_LIMIT = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    runtime = parser.add_argument_group("runtime (default: the runtime of the deployed stack)")
    options.add_arn(runtime)
    options.add_valued(
        runtime, "--limit", parse=validators.positive_count, default=DEFAULT_LIMIT, metavar="N", meaning="how many"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    session, arn = aws_target(args, err)
    found = runtime_versions(arn, region=args.region, endpoint_url=args.endpoint_url, session=session, limit=args.limit)
    print(HEADER, file=out)
    for version in found:
        print(version.line(), file=out)
    return EXIT_OK


_REFUSED = {
    "--url": "a local agent has no versions: each make local runs the code as it is",
    "--endpoint": "versions lists every endpoint beside the version it serves",
}

COMMAND = Command(
    help="the runtime's versions: when, which image, which endpoints serve each",
    parents=options.CONTROL_PLANE,
    refused=_REFUSED,
)
