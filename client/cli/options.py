"""The option sets commands share, each defined once, as argparse parent parsers a command lists in its ``COMMAND``.

Options with the same meaning read the same in every command's ``--help``: ``--stack``, ``--region`` and ``--profile``
wherever AWS is called, ``--endpoint-url`` wherever AgentCore is, ``--arn``/``--url`` wherever an agent is the target,
``--endpoint`` wherever one endpoint of the runtime is.
Two options also stand alone in a command of their own (``logs --arn``, ``sessions --actor``): their definitions are
the ``add_*`` functions the sets use too.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from client.aws import DEFAULT_READ_TIMEOUT
from client.cli import validators
from client.invocation import EXAMPLE_ARN
from contract.agentcore import DEFAULT_ACTOR_ID, DEFAULT_ENDPOINT, PORT
from contract.deployment import DEFAULT_STACK_NAME, STACK_NAME_ENV

BEARER_TOKEN_ENV = "AGENTCORE_BEARER_TOKEN"  # noqa: S105 - the name of a variable holding a token, not a token
"""A signed-in user's access token, as ``--bearer-token`` takes it."""

_AWS_GROUP = "AWS (default: the environment's credentials and region)"
_SIGNED_IN_GROUP = "signed-in users (a stack deployed with auth=cognito or auth=jwt)"
"""One title for ``AWS`` and ``AGENTCORE_ENDPOINT``: argparse merges a command's groups of the same title into one."""


class Refused(argparse.Action):
    """An option a command does not offer but users reach for: refused with the reason, not as an unknown option.

    Hidden from ``--help``; given, it is a usage error (exit 2) whose message says why the option has no meaning here.
    """

    def __init__(self, option_strings: list[str], dest: str, *, reason: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs="?", help=argparse.SUPPRESS, **kwargs)
        self.reason = reason

    def __call__(self, parser: argparse.ArgumentParser, namespace: object, values: object, option: object) -> None:
        """Stop parsing with a usage error that says why the option has no meaning here."""
        parser.error(f"{option} does not apply: {self.reason}")


def add_arn(container: Any) -> None:
    """``--arn``: the runtime to call, instead of the one the deployed stack's outputs name."""
    container.add_argument("--arn", help=f"runtime ARN, e.g. {EXAMPLE_ARN}")


def add_endpoint(container: Any) -> None:
    """``--endpoint``: which of the runtime's endpoints, the ``qualifier`` AgentCore routes by."""
    container.add_argument(
        "--endpoint",
        type=validators.endpoint_name,
        metavar="NAME",
        help=f"the runtime endpoint: {DEFAULT_ENDPOINT} (the latest version) or a named one such as live, which "
        f"serves the version the stack pins (default: {DEFAULT_ENDPOINT})",
    )


def endpoint_of(args: Any) -> str:
    """The endpoint a command's ``--endpoint`` names, ``DEFAULT`` when it names none."""
    return getattr(args, "endpoint", None) or DEFAULT_ENDPOINT


def add_actor(container: Any) -> None:
    """``--actor``: whose conversations, as AgentCore Memory keeps them apart."""
    container.add_argument(
        "--actor",
        type=validators.actor_id,
        metavar="ID",
        help=f"whose conversations: AgentCore Memory keeps each actor's apart (default: {DEFAULT_ACTOR_ID!r})",
    )


def add_valued(
    container: Any, flag: str, *, parse: Callable[[str], Any], default: Any, metavar: str, meaning: str
) -> None:
    """An option that takes a value, checked by ``parse`` (an argparse type); its help ends with its default.

    Every such option says its default the same way, ``(default: 3600)``, with a float shown as briefly as it reads.
    """
    shown = f"{default:g}" if isinstance(default, float) else default
    container.add_argument(flag, type=parse, default=default, metavar=metavar, help=f"{meaning} (default: {shown})")


def _target() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    where = parent.add_argument_group("target (default: the runtime of the deployed stack)")
    choice = where.add_mutually_exclusive_group()
    add_arn(choice)
    choice.add_argument(
        "--url", help=f"a locally running agent instead of AgentCore, e.g. http://localhost:{PORT} (`make local`)"
    )
    return parent


def _runtime_endpoint() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    add_endpoint(parent.add_argument_group("endpoint (default: DEFAULT)"))
    return parent


def _aws() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    aws = parent.add_argument_group(_AWS_GROUP)
    aws.add_argument(
        "--stack",
        help=f"the deployed stack whose outputs name the runtime and memory (default: ${STACK_NAME_ENV} or "
        f"{DEFAULT_STACK_NAME})",
    )
    aws.add_argument(
        "--region", help="AWS region (default: the runtime ARN's region, else AWS_REGION or the profile's)"
    )
    aws.add_argument("--profile", help="AWS profile for credentials and region (default: the environment's)")
    return parent


def _agentcore_endpoint() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument_group(_AWS_GROUP).add_argument(
        "--endpoint-url", help="AgentCore endpoint to call instead of the region's, like the AWS CLI"
    )
    return parent


def _streaming() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    add_valued(
        parent,
        "--read-timeout",
        parse=validators.positive_seconds,
        default=DEFAULT_READ_TIMEOUT,
        metavar="SECONDS",
        meaning="give up when no data arrives for this long",
    )
    return parent


def _conversation() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    shown = parent.add_argument_group("conversation and output")
    shown.add_argument(
        "--session",
        type=validators.session_id,
        metavar="ID",
        help="continue this conversation (default: a new session)",
    )
    add_actor(shown)
    shown.add_argument("--events", action="store_true", help="show typed events: tool calls, results, token usage")
    shown.add_argument("--stats", action="store_true", help="print time to first chunk, chunks, time, tokens on stderr")
    shown.add_argument(
        "--raw",
        action="store_true",
        help="print the answer exactly as streamed, also on a terminal (default there: live Markdown; "
        "piped output is always raw)",
    )
    return parent


def _bearer() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument_group(_SIGNED_IN_GROUP).add_argument(
        "--bearer-token",
        metavar="TOKEN",
        help="a signed-in user's access token, sent as Authorization: Bearer instead of signing with AWS credentials "
        f"(default: ${BEARER_TOKEN_ENV}, else the one `login` keeps for the stack, else AWS credentials)",
    )
    return parent


def _sign_in() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group(_SIGNED_IN_GROUP)
    discovery = "the provider's https://.../.well-known/openid-configuration (default: the stack's AuthDiscoveryUrl)"
    group.add_argument("--discovery-url", metavar="URL", help=discovery)
    client = "the app client to sign in with (default: the stack's AuthClientId output)"
    group.add_argument("--client-id", metavar="ID", help=client)
    return parent


TARGET = _target()
"""``--arn`` or ``--url``: the agent to call, on AgentCore or running locally."""
AWS = _aws()
"""``--stack``, ``--region``, ``--profile``: where the deployment is and whose credentials reach it."""
RUNTIME_ENDPOINT = _runtime_endpoint()
"""``--endpoint``: which endpoint of the runtime (a version pinned by the stack, or ``DEFAULT``, the latest)."""
AGENTCORE_ENDPOINT = _agentcore_endpoint()
"""``--endpoint-url``: another AgentCore endpoint, for commands that call AgentCore (``logs`` calls only CloudWatch)."""
STREAMING = _streaming()
"""``--read-timeout``: only where an answer streams; ``status`` reads one short reply."""
CONVERSATION = _conversation()
"""``--session``, ``--actor`` and how the answer is shown: ``invoke`` and ``chat``."""

BEARER = _bearer()
"""``--bearer-token``: a signed-in user's token for ``invoke`` and ``chat``; the page's users sign in themselves."""
SIGN_IN = _sign_in()
"""``--discovery-url``, ``--client-id``: the provider and app client, for ``login`` and ``web``."""
CONVERSING = (TARGET, RUNTIME_ENDPOINT, AWS, AGENTCORE_ENDPOINT, STREAMING, CONVERSATION, BEARER)
"""Every option set of a command that holds a conversation with the agent (``invoke``, ``chat``), in the order its
``--help`` lists them."""
CONTROL_PLANE = (AWS, AGENTCORE_ENDPOINT)
"""The option sets of a command that reads the deployed stack and AgentCore's control plane, and nothing else."""
