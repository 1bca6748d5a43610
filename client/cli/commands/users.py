"""Add, list or remove the users of the stack's Cognito user pool (a stack deployed with auth=cognito).

users add EMAIL: Cognito emails them a temporary password; at their first sign-in they choose their own and set up
an authenticator app. users list: one line each, with the user-... reference their conversations and invocation
records are kept under. users remove EMAIL: they cannot sign in or renew a token any more; an access token already
issued works until it expires (at most an hour). These are administrator calls with your AWS credentials
(cognito-idp:AdminCreateUser, ListUsers, AdminDeleteUser, and cloudformation:DescribeStacks to find the pool).
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from client.aws import aws_errors, boto_session, make_client
from client.cli import options
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.cli.targets import stack_output
from client.errors import InvocationError
from contract.auth import OUTPUT_AUTH_DISCOVERY_URL, OUTPUT_USER_POOL_ID, user_reference

ACTIONS = ("add", "list", "remove")
_DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS, help="add a user, list them, or remove one")
    parser.add_argument("email", nargs="?", metavar="EMAIL", help="the user's email address (add, remove)")
    parser.add_argument(
        "--user-pool-id", metavar="ID", help="the user pool (default: the UserPoolId output of the deployed stack)"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if (args.action == "list") == bool(args.email):
        args.parser.error("users list takes no EMAIL" if args.email else f"users {args.action} needs EMAIL")
    session = boto_session(args.profile)
    pool_id, issuer = _pool(args, session)
    cognito = make_client("cognito-idp", region=args.region, session=session)
    if args.action == "add":
        _add(cognito, pool_id, args.email)
        print(
            f"added {args.email}: Cognito has emailed a temporary password; at the first sign-in they choose their "
            "own and set up an authenticator app",
            file=err,
        )
    elif args.action == "remove":
        _call(cognito.admin_delete_user, f"no user {args.email}", UserPoolId=pool_id, Username=args.email)
        print(f"removed {args.email}: no new sign-in or token; one already issued works until it expires", file=err)
    else:
        for user in _users(cognito, pool_id):
            print(_line(user, issuer), file=out)
    return EXIT_OK


def _pool(args: argparse.Namespace, session: Any) -> tuple[str, str | None]:
    """The user pool's id, and the issuer its tokens name (for users' references; None when not known)."""
    if args.user_pool_id:
        return args.user_pool_id, None
    why = "its users are not a Cognito user pool of the stack (deploy it with -c auth=cognito, or add users at your "
    pool_id, outputs = stack_output(
        args, session, OUTPUT_USER_POOL_ID, missing=why + "own provider), or pass --user-pool-id"
    )
    discovery = outputs.get(OUTPUT_AUTH_DISCOVERY_URL, "")
    return pool_id, discovery.removesuffix(_DISCOVERY_SUFFIX) or None


def _add(cognito: Any, pool_id: str, email: str) -> None:
    _call(
        cognito.admin_create_user,
        f"{email} is already a user",
        UserPoolId=pool_id,
        Username=email,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        DesiredDeliveryMediums=["EMAIL"],
    )


def _users(cognito: Any, pool_id: str) -> list[dict[str, Any]]:
    with aws_errors():
        pages = cognito.get_paginator("list_users").paginate(UserPoolId=pool_id)
        return [user for page in pages for user in page.get("Users", [])]


def _line(user: dict[str, Any], issuer: str | None) -> str:
    attributes = {attribute["Name"]: attribute["Value"] for attribute in user.get("Attributes", [])}
    email = attributes.get("email", user["Username"])
    enabled = "enabled" if user.get("Enabled", True) else "disabled"
    created = user["UserCreateDate"].date().isoformat() if "UserCreateDate" in user else "?"
    reference = user_reference(issuer, attributes["sub"]) if issuer and "sub" in attributes else "-"
    return f"{email:<40} {user.get('UserStatus', '?'):<22} {enabled:<8} {created}  {reference}"


def _call(operation: Any, conflict: str, **parameters: Any) -> None:
    """Make an administrator call; a user who exists already (or not at all) is said in words."""
    try:
        with aws_errors():
            operation(**parameters)
    except InvocationError as error:
        if error.code in ("UsernameExistsException", "UserNotFoundException"):
            raise InvocationError(error.code, conflict, status=error.status) from None
        raise


COMMAND = Command(
    help="add, list or remove the users of the stack's Cognito user pool (auth=cognito)",
    parents=(options.AWS,),
    refused={"--url": "users are those of the deployed stack's Cognito user pool; a local agent has none"},
)
