"""The argument parser of ``python -m client``, built from the command modules the package finds.

Every module of ``client.cli.commands`` is a command: its ``COMMAND`` (``client.cli.command.Command``) says everything
the parser needs, so adding a command is adding a module.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil

from client.cli import commands as command_modules
from client.cli.command import Command
from client.cli.exit_codes import EXIT_CODE_HELP

PROG = "python -m client"


def find_commands() -> list[Command]:
    """The ``COMMAND`` of every module of ``client.cli.commands``, by name.

    Raises:
        AttributeError: a module there declares no ``COMMAND``: every module of the package must be a command.
    """
    found = [
        importlib.import_module(f"{command_modules.__name__}.{module.name}").COMMAND
        for module in pkgutil.iter_modules(command_modules.__path__)
    ]
    return sorted(found, key=lambda command: command.name)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per command module; each sets ``run`` and ``parser`` in its args.

    ``parser`` is the subcommand's own, so a problem found after parsing is reported with that command's usage.
    """
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Invoke the streaming agent on AgentCore Runtime (or locally) and watch the answer stream.",
        epilog=EXIT_CODE_HELP,
    )
    commands = find_commands()
    subparsers = parser.add_subparsers(
        title="commands", required=True, metavar="{" + ",".join(command.name for command in commands) + "}"
    )
    parser.set_defaults(parser=parser)
    for command in commands:
        sub = subparsers.add_parser(
            command.name,
            parents=list(command.parents),
            help=command.help,
            description=command.description,
            epilog=EXIT_CODE_HELP + command.exit_note,
        )
        command.arguments(sub)
        sub.set_defaults(run=command.run, parser=sub)
    return parser
