"""``python -m client``: the command line, one module per command (``client.cli.commands``), found by the package.

``program`` runs it (``main``); ``parser`` builds the parser from the commands' declarations (``command``);
``options`` holds the option sets commands share, ``validators`` the argument types, ``exit_codes`` how a command ends;
``targets`` finds the agent a command talks to, and ``turn`` streams one answer to the terminal.
"""

from client.cli.exit_codes import (
    EXIT_CONFIGURATION,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_STREAM,
    EXIT_UNEXPECTED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    exit_code,
)
from client.cli.parser import build_parser
from client.cli.program import main

__all__ = [
    "EXIT_CONFIGURATION",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_STREAM",
    "EXIT_UNEXPECTED",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "build_parser",
    "exit_code",
    "main",
]
