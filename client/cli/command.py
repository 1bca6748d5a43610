"""What one command of ``python -m client`` is: a module of ``client.cli.commands``, by convention.

The parser is built from those modules alone (``client.cli.parser``), so a command is added by adding its module: no
list elsewhere names the commands. What a module is found by:

- its name is the command's, with ``_`` for ``-`` (``stop_session`` is ``stop-session``);
- its docstring is what the command's ``--help`` says it does, so the two cannot drift apart;
- ``run(args, out, err) -> int`` (``Run``) does the work;
- ``add_arguments(parser)`` (``AddArguments``) adds the options and arguments only this command has; a command whose
  options all come from its parents has none;
- ``COMMAND`` (``Command``) declares the rest, which no convention can find.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TextIO

Run = Callable[[argparse.Namespace, TextIO, TextIO], int]
"""``run(args, out, err)``: the answer (or listing) on ``out``, everything else on ``err``; returns the exit code.

Failures are raised as ``AgentClientError`` and become one line and an exit code.
"""

AddArguments = Callable[[argparse.ArgumentParser], None]
"""``add_arguments(parser)``: adds to the command's own parser what its parents do not."""


@dataclass(frozen=True)
class Command:
    """What a command module declares in its ``COMMAND``: what varies from command to command, beyond its ``run``.

    Attributes:
        help: its line in the list of commands of ``python -m client --help``.
        parents: the shared option sets it takes (``client.cli.options``), in the order its ``--help`` lists them.
        refused: options users reach for that mean nothing here, each with the reason it says when one is given.
        exit_note: said after the exit codes in its ``--help``, when the command ends differently from the others.
    """

    help: str
    parents: tuple[argparse.ArgumentParser, ...] = ()
    refused: Mapping[str, str] = field(default_factory=dict)
    exit_note: str = ""
