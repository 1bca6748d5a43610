"""The Dockerfile and its lock, read as text: what `make image-test` relies on without building anything."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
LOCK = (ROOT / "agent" / "requirements.txt").read_text(encoding="utf-8")


def test_base_image__is_pinned_by_digest_with_the_tag_kept_readable():
    base = re.search(r"^ARG BASE_IMAGE=(\S+)$", DOCKERFILE, re.MULTILINE)

    assert base is not None
    assert re.fullmatch(r"public\.ecr\.aws/docker/library/python:3\.13-slim@sha256:[0-9a-f]{64}", base.group(1))
    assert re.search(r"^FROM \$\{BASE_IMAGE\}$", DOCKERFILE, re.MULTILINE)


def test_lock__every_pin_carries_at_least_one_wheel_hash_and_pip_requires_them():
    pins = [line for line in LOCK.splitlines() if line and not line.startswith("#")]

    assert pins
    assert [pin for pin in pins if not re.fullmatch(r"\S+==\S+( --hash=sha256:[0-9a-f]{64})+", pin)] == []
    assert "--require-hashes" in DOCKERFILE


def test_image__sets_no_docker_container_variable_the_sdk_would_only_read_in_unused_code_paths():
    assert "DOCKER_CONTAINER" not in DOCKERFILE


def test_telemetry__disables_only_instrumentations_that_exist_and_bench_runs_ours_with_them():
    from importlib.metadata import entry_points

    from bench.tutorial import image_telemetry_env

    disabled = image_telemetry_env()["OTEL_PYTHON_DISABLED_INSTRUMENTATIONS"].split(",")

    assert disabled == ["aws_mcp"]
    assert set(disabled) <= {point.name for point in entry_points(group="opentelemetry_instrumentor")}
