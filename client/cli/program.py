"""``python -m client`` (also ``agentcore-invoke``): parse the command line, run the command, end with its exit code.

The answer goes to stdout as it arrives; everything else (stats, session ids, errors) goes to stderr. Every
failure ends with one ``error: ...`` line and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from client.cli.exit_codes import EXIT_INTERRUPTED, EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, exit_code, print_error
from client.cli.parser import build_parser
from client.errors import AgentClientError


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:  # said by the command's own parser, with its usage, not the top-level one
            args.parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        return args.run(args, sys.stdout, sys.stderr)
    except SystemExit as exit_:  # argparse has printed the usage and the problem (or the help)
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    except AgentClientError as error:
        print_error(error)
        return exit_code(error)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader (`| head`) has gone; stop quietly
        _silence_stdout()
        return EXIT_OK
    except Exception as error:
        print_error(f"unexpected {type(error).__name__}: {error}")
        return EXIT_UNEXPECTED


def _silence_stdout() -> None:
    # Python flushes stdout at exit; pointing it at /dev/null keeps that flush from failing again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
