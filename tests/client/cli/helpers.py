"""Running ``python -m client`` in-process, as the command tests do, and what every failure's output looks like."""

from __future__ import annotations

from client import cli


def run(capsys, *argv):
    """Run the CLI in-process; return its exit code, stdout and stderr."""
    capsys.readouterr()
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error_line(err, *fragments):
    """The program's whole stderr is one ``error: ...`` line, no traceback, saying each of ``fragments``."""
    assert "Traceback" not in err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for fragment in fragments:
        assert fragment in err
