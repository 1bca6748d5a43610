"""Send one prompt and print the answer as it streams.

Live Markdown on a terminal, the exact text when piped (or with --raw).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from client.cli import options, turn
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.cli.targets import agent_for
from client.invocation import new_session_id


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prompt", metavar="PROMPT", help="what to ask; '-' reads it from stdin")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
    if not prompt.strip():
        args.parser.error("PROMPT is empty")
    agent = agent_for(args, err)
    session_id = args.session or new_session_id()
    turn.answer(agent, prompt, session_id, args, out, err, end_line=out.isatty())
    if not args.session and (args.stats or err.isatty()):
        print(f"session: {session_id} (continue with --session {session_id})", file=err)
    return EXIT_OK


COMMAND = Command(
    help="send one prompt and stream the answer",
    parents=options.CONVERSING,
)
