"""Forget the sign-in kept for the stack, and revoke its refresh token at the provider.

invoke, chat and web then use AWS credentials again, or a token you pass them. The access token already issued works
until it expires (at most an hour with the stack's Cognito user pool); the refresh token that would renew it is
revoked, when the provider offers revocation.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from client.auth import LoginCache
from client.auth.provider import Provider
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.errors import AgentClientError
from client.operations import stack_name


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stack", help="the stack whose sign-in to forget (default: $AGENTCORE_STACK_NAME or AgentCoreStreamingAgent)"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    stack = stack_name(args.stack)
    cache = LoginCache()
    login = cache.load(stack)
    if login is None:
        print(f"not signed in to stack {stack}", file=err)
        return EXIT_OK
    revoked = "no refresh token to revoke"
    if login.tokens.refresh_token:
        try:
            provider = Provider.discover(login.sign_in.discovery_url)
            done = provider.revoke(client_id=login.sign_in.client_id, token=login.tokens.refresh_token)
            revoked = "refresh token revoked" if done else "the provider offers no revocation"
        except AgentClientError as error:  # forgetting it here matters more than telling the provider
            revoked = f"refresh token not revoked: {error}"
    cache.delete(stack)
    print(f"signed out of stack {stack} ({revoked})", file=err)
    return EXIT_OK


COMMAND = Command(
    help="forget the sign-in kept for the stack and revoke its refresh token",
)
