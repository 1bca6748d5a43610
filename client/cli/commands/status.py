"""Show whether the runtime is healthy and what it runs.

Runtime and endpoint status (DEFAULT, or the one --endpoint names), versions, image, and the last hour's invocations
through that endpoint by outcome. With --url: a local agent's /ping.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from client.aws import CALL_READ_TIMEOUT
from client.cli import options
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.cli.targets import aws_target, refuse_aws_options_with_url
from client.invocation import LocalAgent
from client.operations import runtime_status


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.url:
        refuse_aws_options_with_url(args)
        health = LocalAgent(args.url, read_timeout=CALL_READ_TIMEOUT).ping()
        print(f"{'agent':<9} {args.url}\n{'status':<9} {health.get('status', '?')}", file=out)
        return EXIT_OK
    session, arn = aws_target(args, err)
    status = runtime_status(
        arn, region=args.region, endpoint_url=args.endpoint_url, session=session, endpoint=options.endpoint_of(args)
    )
    print("\n".join(status.lines()), file=out)
    return EXIT_OK


COMMAND = Command(
    help="is it healthy and what is running: runtime and endpoint status, versions, image, last hour's invocations",
    # No --read-timeout: status reads one short reply, with botocore's ordinary timeout.
    parents=(options.TARGET, options.RUNTIME_ENDPOINT, options.AWS, options.AGENTCORE_ENDPOINT),
)
