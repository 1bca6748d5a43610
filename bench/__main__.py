"""Run the benchmarks: ``python -m bench`` (full, as ``make bench``) or ``python -m bench --quick`` (fewer runs).

Prints a table, writes the report's JSON and its page (a full run to docs/, a quick one to build/bench-quick/), then
prints, as the last line, the report as one JSON object. ``--render JSON`` rewrites the page beside JSON from it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench import page
from bench.processes import ROOT
from bench.report import measure
from bench.table import Row, rows

PUBLISHED = ROOT / "docs" / "performance.json"
"""Where a full run writes its report; its page is docs/performance.md."""
QUICK = ROOT / "build" / "bench-quick" / "performance.json"
"""Where a quick run writes its report, out of git: a quick run never replaces the published figures."""


def print_table(report: dict, table: list[Row]) -> None:
    """The figures as a table on stdout, goal and verdict in one column."""
    width = max(len(row.name) for row in table)
    print(f"\nbenchmarks ({report['mode']}) on {report['machine']} at {report['commit']}")
    print(f"{'figure':<{width}}  {'value':>12}  {'range':<22}  {'verdict':<24}  detail")
    for row in table:
        judged = row.verdict if row.goal == "-" else f"goal {row.goal}: {row.verdict}"
        print(f"{row.name:<{width}}  {row.value:>12}  {row.range:<22}  {judged:<24}  {row.detail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--quick", action="store_true", help="fewer runs; skips image payload, boto3 path and image figures"
    )
    mode.add_argument(
        "--render", metavar="JSON", type=Path, help="rewrite the page beside JSON from it, measuring nothing"
    )
    args = parser.parse_args(argv)

    if args.render:
        try:
            report = page.load(args.render)
        except (OSError, json.JSONDecodeError) as error:
            parser.error(f"--render needs the JSON a run wrote: {error}")
        print(f"wrote {page.write_page(report, args.render)}")
        return 0

    report = measure(quick=args.quick)
    print_table(report, rows(report))
    written = page.write(report, QUICK if args.quick else PUBLISHED)
    print(f"wrote {written} and its JSON beside it", file=sys.stderr)
    print(json.dumps(report, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
