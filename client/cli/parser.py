"""The argument parser of ``python -m client``, built from the command modules the package finds.

Every module of ``client.cli.commands`` is a command, found by the convention ``client.cli.command`` describes: its
name, docstring, ``run``, ``add_arguments`` and ``COMMAND`` say everything the parser needs, so adding a command is
adding a module.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from types import ModuleType
from typing import Any

from client.cli import commands as command_modules
from client.cli.command import AddArguments, Command, Run
from client.cli.exit_codes import EXIT_CODE_HELP
from client.cli.options import Refused

PROG = "python -m client"


def command_modules_found() -> list[ModuleType]:
    """Every module of ``client.cli.commands``, by name."""
    return [
        importlib.import_module(f"{command_modules.__name__}.{module.name}")
        for module in sorted(pkgutil.iter_modules(command_modules.__path__), key=lambda module: module.name)
    ]


def command_name(module: ModuleType) -> str:
    """What the user types after ``python -m client``: the module's name, as a command line spells words."""
    return module.__name__.rpartition(".")[2].replace("_", "-")


def description(module: ModuleType) -> str:
    """What a command does, as its ``--help`` says it: its module's docstring."""
    return inspect.cleandoc(module.__doc__ or "")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per command module; each sets ``run`` and ``parser`` in its args.

    ``parser`` is the subcommand's own, so a problem found after parsing is reported with that command's usage.

    Raises:
        AttributeError: a module of ``client.cli.commands`` has no ``COMMAND`` or no ``run``: every module there is a
            command, and one the parser cannot run is better found now than when a user types it.
        TypeError: a module's ``run`` or ``add_arguments`` cannot be called as the parser calls it.
    """
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Invoke the streaming agent on AgentCore Runtime (or locally) and watch the answer stream.",
        epilog=EXIT_CODE_HELP,
    )
    found = command_modules_found()
    subparsers = parser.add_subparsers(
        title="commands", required=True, metavar="{" + ",".join(command_name(module) for module in found) + "}"
    )
    parser.set_defaults(parser=parser)
    for module in found:
        _add(subparsers, module)
    return parser


def _add(subparsers: argparse._SubParsersAction, module: ModuleType) -> None:
    command: Command = _found(module, "COMMAND")
    run: Run = _callable(module, "run", "args", "out", "err")
    sub = subparsers.add_parser(
        command_name(module),
        # Exact options only: --endpoint (a runtime endpoint) must never be taken for --endpoint-url, or the reverse.
        allow_abbrev=False,
        parents=list(command.parents),
        help=command.help,
        description=description(module),
        epilog=EXIT_CODE_HELP + command.exit_note,
    )
    for option, reason in command.refused.items():
        sub.add_argument(option, action=Refused, reason=reason)
    if hasattr(module, "add_arguments"):
        add_arguments: AddArguments = _callable(module, "add_arguments", "parser")
        add_arguments(sub)
    sub.set_defaults(run=run, parser=sub)


def _found(module: ModuleType, name: str) -> Any:
    try:
        return getattr(module, name)
    except AttributeError:
        raise AttributeError(
            f"{module.__name__} has no {name}: every module of {command_modules.__name__} is a command"
        ) from None


def _callable(module: ModuleType, name: str, *parameters: str) -> Callable[..., Any]:
    function = _found(module, name)
    try:
        inspect.signature(function).bind(*parameters)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{module.__name__}.{name} cannot be called as {name}({', '.join(parameters)})") from error
    return function
