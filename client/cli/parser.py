"""The argument parser of ``python -m client``, built from the command modules the package finds.

Every module of ``client.cli.commands`` is a command: its ``COMMAND`` (``client.cli.command.Command``) and its docstring
say everything the parser needs, so adding a command is adding a module.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
from types import ModuleType

from client.cli import commands as command_modules
from client.cli.command import Command
from client.cli.exit_codes import EXIT_CODE_HELP
from client.cli.options import Refused

PROG = "python -m client"


def command_modules_found() -> list[ModuleType]:
    """Every module of ``client.cli.commands``, by name."""
    return [
        importlib.import_module(f"{command_modules.__name__}.{module.name}")
        for module in sorted(pkgutil.iter_modules(command_modules.__path__), key=lambda module: module.name)
    ]


def description(module: ModuleType) -> str:
    """What a command does, as its ``--help`` says it: its module's docstring."""
    return inspect.cleandoc(module.__doc__ or "")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per command module; each sets ``run`` and ``parser`` in its args.

    ``parser`` is the subcommand's own, so a problem found after parsing is reported with that command's usage.

    Raises:
        AttributeError: a module of ``client.cli.commands`` declares no ``COMMAND``: every module there is a command.
    """
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Invoke the streaming agent on AgentCore Runtime (or locally) and watch the answer stream.",
        epilog=EXIT_CODE_HELP,
    )
    found = [(module, module.COMMAND) for module in command_modules_found()]
    subparsers = parser.add_subparsers(
        title="commands", required=True, metavar="{" + ",".join(command.name for _, command in found) + "}"
    )
    parser.set_defaults(parser=parser)
    for module, command in found:
        _add(subparsers, command, description(module))
    return parser


def _add(subparsers: argparse._SubParsersAction, command: Command, described: str) -> None:
    sub = subparsers.add_parser(
        command.name,
        # Exact options only: --endpoint (a runtime endpoint) must never be taken for --endpoint-url, or the reverse.
        allow_abbrev=False,
        parents=list(command.parents),
        help=command.help,
        description=described,
        epilog=EXIT_CODE_HELP + command.exit_note,
    )
    for option, reason in command.refused.items():
        sub.add_argument(option, action=Refused, reason=reason)
    command.arguments(sub)
    sub.set_defaults(run=command.run, parser=sub)
