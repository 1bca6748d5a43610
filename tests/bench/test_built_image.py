"""The image's figures, read from what `make image-test` recorded, only for the build context they were measured from,
and shown with the spread of the runs it recorded."""

from __future__ import annotations

import json

import pytest

from bench import built_image
from bench.report import report
from bench.table import rows

HEAD = {"mode": "full", "machine": "test", "commit": "abc1234", "dirty": False}


def recording(context_hash: str, **amd64: object) -> dict:
    """build/image-test.json as scripts/image/image_test.py writes it."""
    return {
        "from": "python:3.13-slim",
        "context_hash": context_hash,
        "commit": "def5678",
        "architectures": {
            "amd64": {
                "image_mb": 270.0,
                "base_mb": 141.0,
                "layers_mb": 129.0,
                "container_ping_s": 1.06,
                "container_bare_s": 0.22,
                "container_ping_ratio": 4.8182,
                "container_ping_ratio_runs": [4.5, 4.8182, 5.25, 4.7, 4.9],
                "runs": 5,
                **amd64,
            },
            "arm64": {
                "image_mb": 266.7,
                "base_mb": 137.7,
                "layers_mb": 129.0,
                "container_ping_s": 38.3,
                "container_bare_s": 0.8,
                "container_ping_ratio": 47.875,
                "container_ping_ratio_runs": [47.875],
                "runs": 1,
            },
        },
    }


@pytest.fixture
def recorded(tmp_path, monkeypatch):
    path = tmp_path / "image-test.json"
    monkeypatch.setattr(built_image, "FIGURES", path)

    def write(content: dict) -> None:
        path.write_text(json.dumps(content), encoding="utf-8")

    return write


def test_image_figures__of_this_build_context_are_shown_with_the_range_of_the_recorded_runs(recorded):
    recorded(recording(built_image.context_hash()))
    fields, _ = built_image.figures(naive_mb=258.0)

    shown = {row.name: row for row in rows(report(HEAD, {"image": fields}, {}))}

    assert (shown["image_mb"].value, shown["image_mb"].range) == ("267 MB", "single measurement")
    assert (shown["image_layers_mb"].value, shown["image_layers_mb"].verdict) == ("129 MB", "met")
    assert shown["image_layers_naive_ratio"].value == "0.50"
    assert (shown["container_ping_ratio"].value, shown["container_ping_ratio"].range) == ("4.82", "4.50 to 5.25")
    assert shown["container_ping_ratio_arm64_emulated"].value == "47.9"
    assert (
        shown["image_mb"].detail
        == "linux/arm64 = stand-in base 138 MB + layers; measured by make image-test at def5678"
    )


def test_image_figures__of_another_build_context_are_refused(recorded):
    recorded(recording("0" * 64))

    fields, note = built_image.figures(naive_mb=258.0)

    assert fields is None
    assert note == "build/image-test.json is from another Dockerfile/agent (def5678): rerun it"


def test_image_figures__without_per_run_start_times_are_refused(recorded):
    older = recording(built_image.context_hash())
    del older["architectures"]["amd64"]["container_ping_ratio_runs"]
    recorded(older)

    fields, note = built_image.figures(naive_mb=258.0)

    assert fields is None
    assert "records no per-run start times" in note
