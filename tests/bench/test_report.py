"""The report a run writes: each figure beside its range, the min and max of its per-run values, or null when it was
measured once."""

from __future__ import annotations

import pytest

from bench.report import report

HEAD = {"mode": "full", "machine": "test", "commit": "abc1234", "dirty": False}
SSE = {
    "runs": 3,
    "chunks": 2000,
    "floor_ms": 18.4,
    "agent_ms": 22.7,
    "ratio": 1.2337,
    "ratio_runs": [1.3, 1.1, 1.25],
    "strands_loop_ms": 16.5,
    "strands_loop_ms_runs": [16.5, 17.0, 16.1],
}
RSS = {"sessions": 50, "invocations": 500, "rss_after_first_mb": 110.0, "rss_after_all_mb": 114.0, "growth_mb": 4.0}


def test_report__range_is_the_min_and_max_of_the_per_run_values():
    made = report(HEAD, {"sse": SSE}, {})

    assert made["sse_overhead_ratio"] == 1.2337
    assert made["sse_overhead_ratio_range"] == [1.1, 1.3]
    assert made["strands_loop_ms_range"] == [16.1, 17.0]


def test_report__a_single_measurement_has_a_null_range():
    made = report(HEAD, {"rss": RSS}, {})

    assert made["rss_growth_mb"] == 4.0
    assert made["rss_growth_mb_range"] is None


def test_report__figures_and_ranges_to_four_decimals():
    sse = {**SSE, "ratio": 1.23456789, "ratio_runs": [1.000049, 1.99995]}

    made = report(HEAD, {"sse": sse}, {})

    assert made["sse_overhead_ratio"] == 1.2346
    assert made["sse_overhead_ratio_range"] == [1.0, 1.9999]


def test_report__keeps_each_measurements_fields_without_its_per_run_values():
    made = report(HEAD, {"sse": SSE}, {"image": "no build/image-test.json"})

    assert made["measurements"] == {
        "sse": {"runs": 3, "chunks": 2000, "floor_ms": 18.4, "agent_ms": 22.7, "ratio": 1.2337, "strands_loop_ms": 16.5}
    }
    assert made["not_measured"] == {"image": "no build/image-test.json"}


def test_report__leaves_out_the_figures_of_measurements_not_taken():
    made = report(HEAD, {"rss": RSS}, {"sse": "not run by --quick"})

    assert "sse_overhead_ratio" not in made
    assert "sse_overhead_ratio_range" not in made


def test_report__a_figure_with_a_range_and_no_per_run_values_stops_the_run():
    without_runs = {key: value for key, value in SSE.items() if not key.endswith("_runs")}

    with pytest.raises(KeyError, match="ratio_runs"):
        report(HEAD, {"sse": without_runs}, {})
