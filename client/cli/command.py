"""What one command of ``python -m client`` declares: the ``COMMAND`` every module of ``client.cli.commands`` exposes.

The parser is built from these declarations alone (``client.cli.parser``), so a command is added by adding its module:
no list elsewhere names the commands. A command module's docstring is what its ``--help`` says it does, so the two
cannot drift apart.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TextIO

Run = Callable[[argparse.Namespace, TextIO, TextIO], int]
"""``run(args, out, err)``: the answer (or listing) on ``out``, everything else on ``err``; returns the exit code."""


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """For a command whose options all come from its parents."""


@dataclass(frozen=True)
class Command:
    """One command: its name, its line in the list of commands, its options, and what it does.

    Attributes:
        name: what the user types after ``python -m client``.
        help: its line in the list of commands of ``python -m client --help``.
        run: does the work (``Run``); failures are raised as ``AgentClientError`` and become one line and an exit code.
        parents: the shared option sets it takes (``client.cli.options``), in the order its ``--help`` lists them.
        arguments: adds the options and arguments only this command has.
        refused: options users reach for that mean nothing here, each with the reason it says when one is given.
        exit_note: said after the exit codes in its ``--help``, when the command ends differently from the others.
    """

    name: str
    help: str
    run: Run
    parents: tuple[argparse.ArgumentParser, ...] = ()
    arguments: Callable[[argparse.ArgumentParser], None] = no_arguments
    refused: Mapping[str, str] = field(default_factory=dict)
    exit_note: str = ""
