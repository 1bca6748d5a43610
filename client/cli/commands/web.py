"""Serve a chat page in the browser that relays each turn to the agent and renders the answer as it streams.

AWS credentials stay in this process; the page only talks to it. For a stack deployed with auth=cognito or
auth=jwt, the page has Sign in and Sign out: each browser signs its user in, each turn carries that user's token,
and this process needs no AWS credentials. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from client.cli import options
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.cli.targets import web_target
from client.errors import ConfigurationError
from client.web import DEFAULT_HOST, DEFAULT_PORT


def add_arguments(parser: argparse.ArgumentParser) -> None:
    page = parser.add_argument_group("the page")
    page.add_argument("--host", default=DEFAULT_HOST, help=f"address to serve the page on (default: {DEFAULT_HOST})")
    page.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to serve the page on (default: {DEFAULT_PORT})"
    )
    page.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other than loopback: anyone reaching it could send turns signed with your credentials, "
        "so every request must then carry a token, printed in the URL shown at start",
    )
    page.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests addressed to NAME (repeatable); always answered: localhost, 127.0.0.1, ::1, and "
        "with --allow-remote the bound address and this machine's host name",
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        from client.web.server import check_bind, serve  # starlette and uvicorn: only this command needs them
    except ImportError as error:
        raise ConfigurationError(f"`web` needs {error.name}, which is not installed: run `make install`") from None
    check_bind(args.host, args.port, allow_remote=args.allow_remote)  # before looking for the runtime
    agent, sign_in = web_target(args, err)
    serve(
        agent,
        host=args.host,
        port=args.port,
        err=err,
        allow_remote=args.allow_remote,
        allow_hosts=args.allow_host,
        sign_in=sign_in,
    )
    return EXIT_OK


COMMAND = Command(
    help="a chat page in the browser, relaying to the agent; credentials stay here",
    parents=(
        options.TARGET,
        options.RUNTIME_ENDPOINT,
        options.AWS,
        options.AGENTCORE_ENDPOINT,
        options.STREAMING,
        options.SIGN_IN,
    ),
)
