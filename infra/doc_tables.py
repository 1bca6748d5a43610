"""The tables the docs show of the stack's own lists, written from those lists: ``python -m infra.doc_tables``.

Each table stands in a document between two marker comments naming it; this command rewrites what stands between
them, ``--check`` only says which differ (exit status 1), and a test holds the committed documents to the lists. So
adding a permission or a setting is one entry in its list, then this command.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ("README.md", "docs/*.md")
"""Where generated tables may stand, relative to the repository root."""


def _execution_role() -> str:
    from infra.permission import markdown_table
    from infra.runtime.permissions import AGENT, EXECUTION_ROLE

    return markdown_table(EXECUTION_ROLE + AGENT)


def _deploy_settings() -> str:
    from infra.settings.deployment import markdown_table

    return markdown_table()


TABLES: dict[str, Callable[[], str]] = {
    "deploy-settings": _deploy_settings,
    "execution-role": _execution_role,
}
"""Each generated table by the name its markers carry."""


def begin_marker(name: str) -> str:
    """The comment a generated table starts after."""
    return f"<!-- generated table {name}: python -m infra.doc_tables writes it -->"


def end_marker(name: str) -> str:
    """The comment a generated table ends before."""
    return f"<!-- end of generated table {name} -->"


def documents(root: Path = ROOT) -> list[Path]:
    """The documents a generated table may stand in."""
    return sorted({path for pattern in DOCUMENTS for path in root.glob(pattern)})


def where(name: str, root: Path = ROOT) -> list[Path]:
    """The documents holding table ``name``'s markers."""
    return [path for path in documents(root) if begin_marker(name) in path.read_text()]


def rewrite(text: str, name: str, table: str) -> str:
    """``text`` with table ``name`` between its markers replaced by ``table``.

    Raises:
        ValueError: The markers are missing, or out of order.
    """
    pattern = re.compile(f"({re.escape(begin_marker(name))}\n).*?(\n?{re.escape(end_marker(name))})", re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"no {begin_marker(name)} ... {end_marker(name)} pair")
    return pattern.sub(lambda match: f"{match.group(1)}{table}{end_marker(name)}", text, count=1)


def main(argv: Sequence[str] | None = None, *, root: Path = ROOT) -> int:
    """Write every generated table into the documents that hold its markers; with ``--check``, only compare."""
    parser = argparse.ArgumentParser(prog="python -m infra.doc_tables", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any table is out of date")
    args = parser.parse_args(argv)
    stale = []
    for name, make in TABLES.items():
        holders = where(name, root)
        if not holders:
            print(f"doc_tables: no document holds table {name}; put its markers where it belongs:", file=sys.stderr)
            print(f"{begin_marker(name)}\n{end_marker(name)}", file=sys.stderr)
            return 1
        table = make()
        for path in holders:
            text = path.read_text()
            updated = rewrite(text, name, table)
            if updated != text:
                stale.append(f"{path.relative_to(root)} ({name})")
                if not args.check:
                    path.write_text(updated)
    verb = "out of date" if args.check else "rewritten"
    for entry in stale:
        print(f"doc_tables: {verb}: {entry}", file=sys.stderr)
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    from infra.jsii_node import quiet_node_warnings

    quiet_node_warnings()
    sys.exit(main())
