"""Hold a conversation in one session: one prompt per line typed at the terminal (or piped in).

Each answer is streamed as it comes. An empty line does nothing; /exit or Ctrl-D leaves, and on a terminal says how to
end the session's microVM at once (stop-session) rather than when it has been idle long enough.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from client.cli import options, turn
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK, print_error
from client.cli.targets import agent_for
from client.errors import InvocationError
from client.invocation import new_session_id
from contract.agentcore import DEFAULT_ENDPOINT
from contract.deployment import CLI_COMMAND

_LEAVE = frozenset({"/exit", "/quit"})


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    agent = agent_for(args, err)
    session_id = args.session or new_session_id()
    interactive = sys.stdin.isatty()
    if interactive:
        print(f"session {session_id}; an empty line does nothing, /exit or Ctrl-D leaves", file=err)
    while True:
        prompt = _read_prompt(interactive, out)
        if prompt is None or prompt.strip() in _LEAVE:
            break
        if not prompt.strip():
            continue
        if interactive and not turn.live_markdown(args, out):
            out.write("agent> ")
            out.flush()
        try:
            turn.answer(agent, prompt, session_id, args, out, err, end_line=True)
        except InvocationError as error:  # the session survives a refused or broken turn: go on talking
            if not interactive:
                raise
            print_error(error)
    if interactive and not args.url:
        endpoint = "" if options.endpoint_of(args) == DEFAULT_ENDPOINT else f" --endpoint {args.endpoint}"
        print(
            f"session {session_id} keeps its microVM until it has been idle for the runtime's idle timeout; end it "
            f"now with: {CLI_COMMAND} stop-session {session_id}{endpoint}",
            file=err,
        )
    return EXIT_OK


def _read_prompt(interactive: bool, out: TextIO) -> str | None:
    """The next prompt, or None when the user is done (Ctrl-D, or the end of piped input)."""
    if interactive:
        try:
            return input("you> ")
        except EOFError:
            out.write("\n")
            return None
    line = sys.stdin.readline()
    return line.rstrip("\r\n") if line else None


COMMAND = Command(
    help="a conversation in one session, one prompt per line of stdin",
    parents=options.CONVERSING,
)
