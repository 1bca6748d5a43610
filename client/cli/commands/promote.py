"""Print the deploy that makes a named endpoint serve another version (or follow the latest one).

The stack stays the one place that says which endpoint serves which version: this reads the endpoints the stack was
deployed with (its Endpoints output), changes ENDPOINT's, and prints `make deploy CDK_ARGS="-c endpoints=..."` on
stdout; it changes nothing in AWS. Run the printed command, with the other -c settings you deploy with, to promote.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from client.cli import validators
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.cli.printed_deploy import PRINTS_A_DEPLOY, deployed_runtime, print_deploy
from client.operations.promotion import promote, version_numbers
from contract.endpoints import LATEST


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("endpoint", metavar="ENDPOINT", type=validators.endpoint_name, help="the endpoint to move")
    parser.add_argument(
        "--to",
        required=True,
        metavar="VERSION",
        help=f"the version it is to serve, or {LATEST} to follow every new version (versions lists them)",
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    runtime = deployed_runtime(args)
    versions = version_numbers(runtime.control, runtime.runtime_id)
    print_deploy(promote(runtime.setting, args.endpoint, args.to, versions), out, err)
    return EXIT_OK


COMMAND = Command(
    help="print the deploy that makes ENDPOINT serve VERSION",
    **PRINTS_A_DEPLOY,
)
