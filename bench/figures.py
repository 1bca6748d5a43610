"""Every figure ``make bench`` reports, defined once: adding a figure is one entry in ``bench/figures.toml``.

A figure reads one field of one measurement (``bench/measurements.py`` names them). Its spread is the min and max of
the same quantity over the runs it was computed from, which the measurement returns as ``<field>_runs``; a figure
measured once says so (``single``) instead of inventing a spread. The table printed by ``python -m bench``, the JSON
and ``docs/performance.md`` are all made from these entries.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """One figure: where its value comes from, its goal, how it is printed, and the text that explains it."""

    key: str
    """Its JSON key and its name in the table."""
    measurement: str
    """The measurement whose fields it reads."""
    field: str
    """The field holding its value; its per-run values are in ``<field>_runs`` unless ``single``."""
    fmt: str
    """Format spec of its value and range, e.g. ``.2f``."""
    detail: str
    """One line of context, formatted with the measurement's fields (and other measurements by name)."""
    explanation: str
    """What it measures and how: the page's text for it. No measured number: those come from the run."""
    spread: str
    """What its range is the min and max of; for a ``single`` figure, why it has none."""
    goal: float | None = None
    """Upper bound (every goal is "at most"); ``None``: informational."""
    unit: str = ""
    """Printed after the value, e.g. ``MB``."""
    single: bool = False
    """Measured once: no per-run values, shown as "single measurement"."""

    def shown(self, value: float) -> str:
        """The value as the table prints it."""
        return f"{value:{self.fmt}}" + (f" {self.unit}" if self.unit else "")

    def shown_range(self, bounds: list[float] | None) -> str:
        """The range as the table prints it: ``low to high``, or "single measurement"."""
        if bounds is None:
            return "single measurement"
        low, high = bounds
        return f"{low:{self.fmt}} to {self.shown(high)}"

    def verdict(self, value: float) -> str:
        """``met`` or ``MISSED`` against the goal, ``informational`` without one."""
        if self.goal is None:
            return "informational"
        return "met" if value <= self.goal else "MISSED"


CATALOGUE = Path(__file__).with_name("figures.toml")
"""The figures, one ``[[figure]]`` table each, keyed as ``Figure``'s fields: prose and numbers, no code."""


def load(path: Path = CATALOGUE) -> tuple[Figure, ...]:
    """Every figure of the catalogue, in the order the table and the page show them."""
    with path.open("rb") as catalogue:
        return tuple(Figure(**entry) for entry in tomllib.load(catalogue)["figure"])


FIGURES = load()
