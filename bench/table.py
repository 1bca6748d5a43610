"""The rows of the figures' table, made from a report alone: the same rows in the terminal and on the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.figures import FIGURES, Figure

NOT_IN_RUN = "not in this run: the figure was defined after it was measured; run make bench"


@dataclass(frozen=True)
class Row:
    """One figure as the table shows it."""

    name: str
    value: str
    range: str
    goal: str
    verdict: str
    detail: str


def rows(report: dict[str, Any]) -> list[Row]:
    """Every figure of ``FIGURES``, measured or not, then each concurrency level (informational)."""
    made = [_row(figure, report) for figure in FIGURES]
    for level in report.get("concurrency", []):
        made.append(
            Row(
                name=f"concurrency x{level['streams']}",
                value=f"{level['requests_per_s']:.0f} req/s",
                range="single measurement",
                goal="-",
                verdict="informational",
                detail=(
                    f"p99 ttfc {level['ttfc_p99_ms']:.1f} ms, {level['requests']} requests of {level['chunks']} chunks"
                ),
            )
        )
    return made


def goal(figure: Figure) -> str:
    """The figure's goal as the table shows it, ``-`` for an informational figure."""
    if figure.goal is None:
        return "-"
    return f"<= {figure.goal:g}" + (f" {figure.unit}" if figure.unit else "")


def _row(figure: Figure, report: dict[str, Any]) -> Row:
    if figure.key not in report:
        reason = report["not_measured"].get(figure.measurement, NOT_IN_RUN)
        return Row(figure.key, "-", "-", goal(figure), "not measured", reason)
    measurements = report["measurements"]
    detail = figure.detail.format(**{**measurements, **measurements[figure.measurement]})
    value = report[figure.key]
    return Row(
        name=figure.key,
        value=figure.shown(value),
        range=figure.shown_range(report[f"{figure.key}_range"]),
        goal=goal(figure),
        verdict=figure.verdict(value),
        detail=detail,
    )
