"""Run every measurement and make the report: the JSON that the table, ``docs/performance.md`` and the last line of
``python -m bench`` are made from.

The report's keys: ``mode`` (``full`` or ``quick``), ``machine``, ``commit``, ``dirty`` (the tree differed from
``commit``), ``date`` (UTC), ``seconds`` (the run's length), ``load_average`` (``start`` and ``end``, 1/5/15 min);
then each figure of ``bench/figures.py`` under its key, with ``<key>_range``: ``[min, max]`` of its per-run values,
or ``null`` for a single measurement; ``concurrency`` (one row per level); ``measurements``, every measurement's
scalar fields, which the detail lines are made from; ``not_measured``, the reason for each measurement not taken.
"""

from __future__ import annotations

import datetime
import sys
import time
from typing import Any

from bench import provenance
from bench.figures import FIGURES
from bench.measurements import CONCURRENCY, MEASUREMENTS, NotMeasured, Run

DECIMALS = 4
"""Figures to four decimals, so a ratio at its goal shows which side of it it is on."""

QUICK_SKIPPED = "not run by --quick"


def measure(quick: bool) -> dict[str, Any]:
    """Run every measurement (those ``--quick`` skips aside) and return the report."""
    started, load_at_start = time.perf_counter(), provenance.load_average()
    head = {
        "mode": "quick" if quick else "full",
        "machine": provenance.machine(),
        "commit": provenance.commit(),
        "dirty": provenance.dirty(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    run, not_measured = Run(quick=quick), {}
    for measurement in MEASUREMENTS:
        if quick and measurement.full_only:
            not_measured[measurement.name] = QUICK_SKIPPED
            continue
        print(f"running {measurement.label} ...", file=sys.stderr, flush=True)
        begun = time.perf_counter()
        try:
            run.results[measurement.name] = measurement.run(run)
        except NotMeasured as reason:
            not_measured[measurement.name] = str(reason)
        print(f"  {measurement.label} took {time.perf_counter() - begun:.1f} s", file=sys.stderr, flush=True)
    head["seconds"] = round(time.perf_counter() - started)
    head["load_average"] = {"start": load_at_start, "end": provenance.load_average()}
    return report(head, run.results, not_measured)


def report(head: dict[str, Any], results: dict[str, dict[str, Any]], not_measured: dict[str, str]) -> dict[str, Any]:
    """The report of measured ``results``: each figure with its range, then the measurements' own fields."""
    made = dict(head)
    for figure in FIGURES:
        if figure.measurement not in results:
            continue
        fields = results[figure.measurement]
        made[figure.key] = _rounded(fields[figure.field])
        made[f"{figure.key}_range"] = None if figure.single else _spread(fields[f"{figure.field}_runs"])
    if CONCURRENCY in results:
        made[CONCURRENCY] = [_rounded(level, 2) for level in results[CONCURRENCY]["levels"]]
    made["measurements"] = {
        name: {key: _rounded(value) for key, value in fields.items() if not isinstance(value, list)}
        for name, fields in results.items()
        if name != CONCURRENCY
    }
    made["not_measured"] = not_measured
    return made


def _spread(runs: list[float]) -> list[float]:
    if not runs:
        raise ValueError("a figure with a range needs at least one per-run value")
    return [_rounded(min(runs)), _rounded(max(runs))]


def _rounded(value: Any, decimals: int = DECIMALS) -> Any:
    if isinstance(value, float):
        return round(value, decimals)
    if isinstance(value, dict):
        return {key: _rounded(item, decimals) for key, item in value.items()}
    return value
