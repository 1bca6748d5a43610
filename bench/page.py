"""``docs/performance.md``, made from a report's JSON alone, so that it can be rewritten without measuring again."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from string import Template
from typing import Any

from bench.figures import FIGURES, Figure
from bench.table import Row, rows

TEMPLATE = Path(__file__).with_name("performance_page.md")
WIDTH = 120

FULL_RUN = "Measured by a full run of `make bench`."
QUICK_RUN = (
    "**A quick run** (`python -m bench --quick`): fewer runs, and some measurements not taken (their rows say so). "
    "These are not the published figures, which `make bench` writes to `docs/performance.md`."
)


def render(report: dict[str, Any], json_name: str = "performance.json") -> str:
    """The page for ``report``, whose JSON is ``json_name`` beside the page."""
    dirty = "with uncommitted changes: the code measured may differ from that commit"
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        json_name=json_name,
        run=QUICK_RUN if report["mode"] == "quick" else FULL_RUN,
        commit=report["commit"],
        tree=dirty if report["dirty"] else "a clean tree",
        machine=report["machine"],
        date=report["date"],
        seconds=report["seconds"],
        load_start=" ".join(f"{value:.2f}" for value in report["load_average"]["start"]),
        load_end=" ".join(f"{value:.2f}" for value in report["load_average"]["end"]),
        table="\n".join(_table_line(row) for row in rows(report)),
        explanations="\n".join(_explanation(figure) for figure in FIGURES),
    )


def load(path: Path) -> dict[str, Any]:
    """A report written by ``write``."""
    return json.loads(path.read_text(encoding="utf-8"))


def write(report: dict[str, Any], json_path: Path) -> Path:
    """Write ``report`` to ``json_path`` and its page beside it (same name, ``.md``); return the page's path."""
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return write_page(report, json_path)


def write_page(report: dict[str, Any], json_path: Path) -> Path:
    """Write the page of ``report``, whose JSON is ``json_path``, beside it; return the page's path."""
    page = json_path.with_suffix(".md")
    page.write_text(render(report, json_path.name), encoding="utf-8")
    return page


def _table_line(row: Row) -> str:
    cells = [f"`{row.name}`", row.value, row.range, row.goal, row.verdict, row.detail]
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _explanation(figure: Figure) -> str:
    spread = f"Single measurement: {figure.spread}." if figure.single else f"Range: {figure.spread}."
    text = f"- `{figure.key}`: {figure.explanation} {spread}"
    return textwrap.fill(text, width=WIDTH, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)
