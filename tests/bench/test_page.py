"""docs/performance.md is made from a run's JSON alone: every figure with its value, its range and its verdict, and
the published page is exactly what the published JSON renders to."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.figures import FIGURES
from bench.page import load, render
from bench.table import NOT_IN_RUN

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).with_name("report.json")


@pytest.fixture
def report() -> dict:
    return load(FIXTURE)


def table(page: str) -> dict[str, list[str]]:
    """The figures' table of a page: each row's cells after the name, by name."""
    rows = {}
    for line in page.splitlines():
        if line.startswith("| `"):
            name, *cells = (cell.strip() for cell in line.strip("| ").split(" | "))
            rows[name.strip("`")] = cells
    return rows


def test_page__shows_every_figure_of_the_report_with_its_value_and_range(report):
    expected = {
        "sse_overhead_ratio": ["1.23", "1.15 to 1.44"],
        "strands_loop_ms": ["16.5", "15.9 to 21.0"],
        "ttfc_overhead_ms": ["1.33", "-0.40 to 9.88"],
        "ttfc_ratio": ["2.82", "0.61 to 11.20"],
        "rss_growth_mb": ["4.3", "single measurement"],
        "image_payload_ratio": ["0.7997", "single measurement"],
        "image_payload_mb": ["214.9", "single measurement"],
        "concurrency x8": ["327 req/s", "single measurement"],
    }
    figures_in_report = {figure.key for figure in FIGURES if figure.key in report}
    levels_in_report = {f"concurrency x{level['streams']}" for level in report["concurrency"]}

    shown = table(render(report))

    assert set(expected) == figures_in_report | levels_in_report
    assert {name: shown[name][:2] for name in expected} == expected


def test_page__judges_each_figure_against_its_goal_and_gives_its_detail_from_the_measurement(report):
    report["sse_overhead_ratio"] = 1.3001

    shown = table(render(report))

    assert shown["sse_overhead_ratio"][2:] == [
        "<= 1.3",
        "MISSED",
        "agent 22.7 ms / floor 18.4 ms, 2000 chunks (medians of 40 pairs)",
    ]
    assert shown["ttfc_overhead_ms"][2:4] == ["<= 5", "met"]
    assert shown["ttfc_ratio"][2:4] == ["-", "informational"]


def test_page__says_why_a_figure_was_not_measured(report):
    shown = table(render(report))

    assert shown["image_layers_mb"] == [
        "-",
        "-",
        "<= 150 MB",
        "not measured",
        "no build/image-test.json: run `make image-test` (Docker) first",
    ]


def test_page__shows_a_figure_the_run_predates_as_not_measured_instead_of_leaving_it_out(report):
    shown = table(render(report))

    assert shown["chunk_delay_p99_ms"] == ["-", "-", "<= 5", "not measured", NOT_IN_RUN]


def test_page__explains_every_figure_and_what_its_range_is(report):
    explained = " ".join(render(report).split("## What each figure is", 1)[1].split())

    for figure in FIGURES:
        assert f"- `{figure.key}`: " in explained
    assert explained.count("Range: ") == len([figure for figure in FIGURES if not figure.single])
    assert explained.count("Single measurement: ") == len([figure for figure in FIGURES if figure.single])


def test_page__names_the_commit_the_machine_and_the_load_it_was_measured_at(report):
    page = render(report)

    assert "- Commit: `abc1234`, a clean tree" in page
    assert "- Machine: x86_64 (Test CPU), 2 cores, Python 3.11.7, Linux" in page
    assert "- Load average (1, 5, 15 min): 0.50 0.40 0.30 at the start of the run, 1.50 0.90 0.60 at its end" in page


def test_page__says_when_the_tree_differed_from_the_commit(report):
    report["dirty"] = True

    assert "- Commit: `abc1234`, with uncommitted changes" in render(report)


def test_page__of_a_quick_run_says_it_is_not_the_published_figures(report):
    full = render(report)
    report["mode"] = "quick"
    quick = render(report)

    assert "Measured by a full run of `make bench`." in full
    assert "**A quick run** (`python -m bench --quick`)" in quick
    assert "These are not the published figures" in quick
    assert "Measured by a full run" not in quick


def test_published_page__is_what_its_json_renders_to():
    published = ROOT / "docs" / "performance.json"

    assert (ROOT / "docs" / "performance.md").read_text(encoding="utf-8") == render(load(published)), (
        "docs/performance.md is generated: run `python -m bench --render docs/performance.json`, never edit it"
    )


def test_render_command__writes_the_page_beside_the_json_from_the_json_alone(tmp_path, capsys):
    json_path = tmp_path / "run.json"
    shutil.copy(FIXTURE, json_path)
    before = copy.deepcopy(load(json_path))

    assert main(["--render", str(json_path)]) == 0

    page = (tmp_path / "run.md").read_text(encoding="utf-8")
    assert table(page)["sse_overhead_ratio"][:2] == ["1.23", "1.15 to 1.44"]
    assert "[`run.json`](run.json)" in page
    assert load(json_path) == before
    assert capsys.readouterr().out == f"wrote {tmp_path / 'run.md'}\n"


def test_render_command__refuses_a_file_that_is_not_a_report_with_a_message(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--render", str(tmp_path / "missing.json")])

    assert exit_.value.code == 2
    assert "--render needs the JSON a run wrote" in capsys.readouterr().err
    assert not (tmp_path / "missing.md").exists()
