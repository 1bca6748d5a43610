"""The benchmarks ``python -m bench`` runs, in order, each named for the figures (``bench/figures.py``) that read it.

A measurement returns its fields: scalars the figures and their detail lines read, and ``<field>_runs`` lists of
per-run values, from which each figure's range is taken. One that cannot be taken raises ``NotMeasured`` with the
reason, and its figures are shown as not measured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import (
    built_image,
    calculator,
    client_path,
    conversation_memory,
    memory,
    payload,
    startup,
    streaming,
    tutorial,
)

CONCURRENCY = "concurrency"
"""The measurement whose levels are a table of their own (``levels``), kept in the JSON under this key."""


class NotMeasured(Exception):
    """A measurement that cannot be taken here; the message says why and what to do."""


@dataclass
class Run:
    """What a measurement may read: the mode, and the measurements taken before it."""

    quick: bool
    results: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    """One benchmark: its name, the label shown while it runs, and how to run it."""

    name: str
    label: str
    run: Callable[[Run], dict[str, Any]]
    full_only: bool = False
    """Skipped by ``--quick``."""


def _image(run: Run) -> dict[str, Any]:
    recorded, note = built_image.figures(naive_mb=run.results["payload"]["naive_mb"])
    if recorded is None:
        raise NotMeasured(note)
    return recorded


def _concurrency(run: Run) -> dict[str, Any]:
    return {"levels": streaming.concurrency((1, 8, 32), requests_per_level=64 if run.quick else 256)}


def _conversation_memory(run: Run) -> dict[str, Any]:
    kept = conversation_memory.ttfc_with_memory(10 if run.quick else 40)
    if kept["saved_turns"] != kept["expected_turns"]:
        raise RuntimeError(f"memory holds {kept['saved_turns']} of {kept['expected_turns']} turns")
    return kept


def sized(
    benchmark: Callable[..., dict[str, Any]], quick: dict[str, int], full: dict[str, int]
) -> Callable[[Run], Any]:
    """Run ``benchmark`` with the repetitions of the mode: fewer with ``--quick``."""
    return lambda run: benchmark(**(quick if run.quick else full))


MEASUREMENTS: tuple[Measurement, ...] = (
    Measurement("sse", "sse overhead", sized(streaming.sse_overhead, {"runs": 25}, {"runs": 40})),
    Measurement("ttfc", "time to first chunk", sized(streaming.ttfc_overhead, {"runs": 50}, {"runs": 300})),
    Measurement(
        "chunk_delay",
        "chunk delay",
        sized(streaming.chunk_delay, {"requests": 3, "chunks": 50}, {"requests": 10, "chunks": 100}),
    ),
    Measurement("cold_start", "cold start", sized(startup.cold_start, {"runs": 3}, {"runs": 9})),
    Measurement("calculator", "first calculator call", sized(calculator.first_call, {"runs": 3}, {"runs": 7})),
    Measurement(
        "tutorial",
        "against the tutorial's agent",
        sized(tutorial.against_tutorial, {"cold_runs": 2, "stream_runs": 3}, {"cold_runs": 7, "stream_runs": 15}),
    ),
    Measurement("rss", "memory", lambda run: memory.rss_growth()),
    Measurement("conversation_memory", "conversation memory", _conversation_memory),
    Measurement(CONCURRENCY, "concurrency", _concurrency),
    Measurement("payload", "image payload", lambda run: payload.image_payload(), full_only=True),
    Measurement("client_path", "boto3 path", lambda run: client_path.boto3_overhead(), full_only=True),
    Measurement("image", "the built image's figures", _image, full_only=True),
)
