"""How a command ends: an exit code a script can tell apart, and for a failure the one line that says why.

Every command's ``--help`` ends with ``EXIT_CODE_HELP``, so the codes are documented where the user looks; the
README's table of exit codes says the same.
"""

from __future__ import annotations

import sys

from client.errors import (
    AgentClientError,
    ConfigurationError,
    EndpointUnreachableError,
    InvocationError,
    StreamError,
)

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_CONFIGURATION = 3
EXIT_UNREACHABLE = 4
EXIT_REFUSED = 5
EXIT_STREAM = 6
EXIT_INTERRUPTED = 130

EXIT_CODE_HELP = (
    "exit codes: 0 success, 1 unexpected error, 2 bad arguments, 3 configuration (ARN, credentials, region, "
    "stack; or the agent's own: it cannot call AWS), 4 endpoint unreachable or timed out, 5 invocation refused or "
    "throttled, 6 the answer began but broke off, 130 interrupted"
)

_EXIT_CODES: list[tuple[type[AgentClientError], int]] = [
    (StreamError, EXIT_STREAM),  # before InvocationError, which it extends
    (InvocationError, EXIT_REFUSED),
    (EndpointUnreachableError, EXIT_UNREACHABLE),
    (ConfigurationError, EXIT_CONFIGURATION),
]


def exit_code(error: AgentClientError) -> int:
    """The process exit code for a failure: the most specific kind it is decides."""
    for kind, code in _EXIT_CODES:
        if isinstance(error, kind):
            return code
    return EXIT_UNEXPECTED


def print_error(error: object) -> None:
    """Say what failed in one line on stderr, never a traceback: the user reads it, a script reads the exit code."""
    print(f"error: {error}", file=sys.stderr, flush=True)
