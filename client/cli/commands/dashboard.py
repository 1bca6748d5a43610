"""Print the URL of the deployment's CloudWatch dashboard (the stack's DashboardUrl output); --open opens it.

The dashboard shows time to first chunk, total time, invocations by outcome, the error rate, tokens per hour, memory
write failures, AgentCore's own throttles, errors and sessions, and the stack's functions' errors.
"""

from __future__ import annotations

import argparse
import webbrowser
from typing import TextIO

from client.aws import boto_session, make_client
from client.cli import options
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.errors import ConfigurationError
from client.operations import stack_name, stack_outputs
from contract.deployment import OUTPUT_DASHBOARD_URL


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--open", action="store_true", help="also open it in the default web browser")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    name = stack_name(args.stack)
    cloudformation = make_client("cloudformation", region=args.region, session=boto_session(args.profile))
    outputs = stack_outputs(cloudformation, name)
    if OUTPUT_DASHBOARD_URL not in outputs:
        raise ConfigurationError(
            f"stack {name!r} has no {OUTPUT_DASHBOARD_URL} output: it was deployed with -c dashboard=false; deploy "
            "without it for a dashboard"
        )
    url = outputs[OUTPUT_DASHBOARD_URL]
    print(url, file=out)
    if args.open and not webbrowser.open(url):
        print("note: no web browser could be opened here; open the URL above yourself", file=err)
    return EXIT_OK


COMMAND = Command(
    help="the URL of the deployment's CloudWatch dashboard (--open opens it)",
    parents=(options.AWS,),
    refused={"--url": "a local agent has no dashboard: its records are printed in the terminal running it"},
)
