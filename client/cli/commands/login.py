"""Sign in to the deployment's provider in the browser, and keep the token for invoke, chat and web.

For a stack deployed with auth=cognito or auth=jwt. The provider and the app client come from the stack's outputs
(or --discovery-url and --client-id); the browser comes back to http://localhost:PORT/callback on this machine (the
first free port of 8765, 8766, 8767, the ones the stack registers), with the code of the authorization-code flow
with PKCE. The tokens are kept for the stack in a file only you can read, and refreshed when they expire.
"""

from __future__ import annotations

import argparse
import dataclasses
import webbrowser
from typing import TextIO

from client.auth import Login, LoginCache, SignIn, TokenSet
from client.auth.loopback import LoopbackRedirect
from client.auth.pkce import challenge, new_state, new_verifier
from client.auth.provider import Provider
from client.aws import boto_session, make_client
from client.cli import options, validators
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.errors import ConfigurationError
from client.operations import runtime_outputs, stack_name
from contract.auth import LOGIN_PORTS
from contract.deployment import CLI_COMMAND

DEFAULT_TIMEOUT_SECONDS = 300.0
DEFAULT_SCOPE = "openid email profile"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.add_arn(parser.add_argument_group("runtime (default: the runtime of the deployed stack)"))
    flow = parser.add_argument_group("the sign-in")
    flow.add_argument(
        "--port",
        type=int,
        metavar="PORT",
        help=f"listen for the browser on this port only (default: the first free of {', '.join(map(str, LOGIN_PORTS))};"
        " the app client must list http://localhost:PORT/callback)",
    )
    flow.add_argument("--scope", default=DEFAULT_SCOPE, help=f"scopes to ask for (default: {DEFAULT_SCOPE!r})")
    flow.add_argument("--no-browser", action="store_true", help="print the sign-in URL instead of opening a browser")
    options.add_valued(
        flow,
        "--timeout",
        parse=validators.positive_seconds,
        default=DEFAULT_TIMEOUT_SECONDS,
        metavar="SECONDS",
        meaning="give up when the browser has not come back within this long",
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    stack = stack_name(args.stack)
    sign_in = _sign_in(args, stack)
    provider = Provider.discover(sign_in.discovery_url)
    verifier, state = new_verifier(), new_state()
    receiver = LoopbackRedirect([args.port] if args.port else LOGIN_PORTS, state)
    url = provider.authorization_url(
        client_id=sign_in.client_id,
        redirect_uri=receiver.redirect_uri,
        state=state,
        challenge=challenge(verifier),
        scope=args.scope,
    )
    print(f"sign in at: {url}", file=err, flush=True)
    if not args.no_browser:
        webbrowser.open(url)
    code = receiver.wait(args.timeout)
    answer = provider.exchange_code(
        client_id=sign_in.client_id, code=code, redirect_uri=receiver.redirect_uri, verifier=verifier
    )
    tokens = TokenSet.from_response(answer)
    login = Login(stack, dataclasses.replace(sign_in, runtime_arn=args.arn or sign_in.runtime_arn), tokens)
    path = LoginCache().save(login)
    print(
        f"signed in to stack {stack} as {tokens.who()} (your conversations: {tokens.reference()}); kept in {path}, "
        f"used by invoke, chat and web until `{CLI_COMMAND} logout`",
        file=err,
    )
    return EXIT_OK


def _sign_in(args: argparse.Namespace, stack: str) -> SignIn:
    """The provider and app client: ``--discovery-url`` and ``--client-id``, else the stack's outputs."""
    if args.discovery_url and args.client_id:
        return SignIn(args.discovery_url, args.client_id, runtime_arn=args.arn)
    cloudformation = make_client("cloudformation", region=args.region, session=boto_session(args.profile))
    outputs = runtime_outputs(cloudformation, stack)
    sign_in = SignIn.from_outputs(stack, outputs, args.client_id)
    if sign_in is None:
        raise ConfigurationError(
            f"stack {stack!r} takes AWS credentials, not signed-in users (it was deployed with auth=iam): invoke it "
            "with your AWS credentials, or deploy it with -c auth=cognito"
        )
    return dataclasses.replace(sign_in, discovery_url=args.discovery_url or sign_in.discovery_url)


COMMAND = Command(
    help="sign in to the deployment's provider in the browser; invoke, chat and web then send your token",
    parents=(options.AWS, options.SIGN_IN),
    refused={
        "--url": "login signs you in to the deployed stack's provider; a local agent takes --bearer-token",
    },
)
