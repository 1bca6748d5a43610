"""List recent conversations of one actor kept in the deployment's AgentCore Memory, newest first.

Each with the session id that continues it (chat --session ID).
"""

from __future__ import annotations

import argparse
from typing import TextIO

import boto3

from client.aws import boto_session, make_client
from client.cli import options, validators
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.cli.targets import stack_output
from client.operations import recent_conversations
from contract.agentcore import DEFAULT_ACTOR_ID
from contract.deployment import CLI_COMMAND, OUTPUT_MEMORY_ID

DEFAULT_LIMIT = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    memory = parser.add_argument_group("memory (default: the MemoryId output of the deployed stack)")
    memory.add_argument("--memory-id", metavar="ID", help="the AgentCore Memory to list")
    options.add_actor(memory)
    options.add_valued(
        memory, "--limit", parse=validators.positive_count, default=DEFAULT_LIMIT, metavar="N", meaning="how many"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    session = boto_session(args.profile)
    memory_id = args.memory_id or _discover_memory(args, session)
    client = make_client("bedrock-agentcore", region=args.region, endpoint_url=args.endpoint_url, session=session)
    actor_id = args.actor or DEFAULT_ACTOR_ID
    found = recent_conversations(client, memory_id, actor_id, args.limit)
    if not found:
        print(f"no conversation of actor {actor_id} in memory {memory_id}", file=err)
    for conversation in found:
        print(conversation.line(), file=out)
    if found and err.isatty():
        print(f"continue one with: {CLI_COMMAND} chat --session {found[0].session_id}", file=err)
    return EXIT_OK


def _discover_memory(args: argparse.Namespace, session: boto3.session.Session) -> str:
    """The memory the deployed stack's ``MemoryId`` output names; a stack deployed without memory has none."""
    why = "it was deployed with -c memory=false, so conversations live only in each session's process; deploy "
    why += "without it, or pass --memory-id"
    memory_id, _ = stack_output(args, session, OUTPUT_MEMORY_ID, missing=why)
    return memory_id


COMMAND = Command(
    help="recent conversations kept in the deployment's AgentCore Memory",
    parents=(options.AWS, options.AGENTCORE_ENDPOINT),
    refused={
        "--url": "sessions lists the conversations kept in the deployment's AgentCore Memory; a local agent keeps "
        "its conversations in its own process, where nothing lists them",
    },
)
