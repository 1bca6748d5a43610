"""Print the deploy that moves a named endpoint back to the version it served before its last change.

The stack's handler records that version on the endpoint whenever it moves it; as promote, this changes nothing in
AWS and prints `make deploy CDK_ARGS="-c endpoints=..."` on stdout. Rolling back twice goes back and forth.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from client.cli import validators
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.cli.printed_deploy import PRINTS_A_DEPLOY, deployed_runtime, print_deploy
from client.operations.promotion import previous_version, roll_back


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("endpoint", metavar="ENDPOINT", type=validators.endpoint_name, help="the endpoint to move back")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    runtime = deployed_runtime(args)
    known = args.endpoint in runtime.setting
    previous = previous_version(runtime.control, runtime.runtime_id, args.endpoint) if known else None
    print_deploy(roll_back(runtime.setting, args.endpoint, previous), out, err)
    return EXIT_OK


COMMAND = Command(
    help="print the deploy that moves ENDPOINT back to the version it served before",
    **PRINTS_A_DEPLOY,
)
