"""Ours against the tutorial's agent (``bench/tutorial_agent.py``), both under ``opentelemetry-instrument``.

Cold time to first chunk: from spawning the process to the first chunk of its first request, the request sent the
moment ``/ping`` first answers, as AgentCore sends a session's first request to a container that just became healthy.
Stream time: a warm server's 2,000-chunk answer, request sent to last byte, both servers up and asked in turn. Each
side runs as a container would run it: ``opentelemetry-instrument python -m ...``, telemetry pointed at a port where
nothing listens, and each with its image's telemetry settings: ours those of our ``Dockerfile``, the tutorial's none
(the tutorial sets none). A third series runs ours with the tutorial's settings, so that what the code alone gains is
measured apart from what the image's telemetry settings gain.
"""

from __future__ import annotations

import asyncio
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.probe import invoke, wait_for_ping
from bench.processes import ROOT, bench_env
from fakes.live_server import free_port

INSTRUMENT = str(Path(sys.executable).with_name("opentelemetry-instrument"))
OURS = ["-m", "bench.tutorial", "--serve-ours"]
TUTORIAL = ["-m", "bench.tutorial_agent"]


def image_telemetry_env(dockerfile: Path = ROOT / "Dockerfile") -> dict[str, str]:
    """The ``OTEL_*`` variables the Dockerfile's ``ENV`` instructions set: the container's telemetry settings."""
    logical = dockerfile.read_text(encoding="utf-8").replace("\\\n", " ").splitlines()
    pairs = [word.split("=", 1) for line in logical if line.startswith("ENV ") for word in shlex.split(line[4:])]
    return {key: value for key, value in pairs if key.startswith("OTEL_")}


def _spawn(module_args: list[str], port: int, chunks: int, image_env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [INSTRUMENT, sys.executable, *module_args, "--port", str(port), "--chunks", str(chunks)],
        cwd=ROOT,
        env=bench_env(OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{free_port()}", **image_env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(process: subprocess.Popen) -> None:
    process.kill()
    process.wait(timeout=10)


def _cold_ttfc(module_args: list[str], image_env: dict[str, str]) -> float:
    port = free_port()
    started = time.perf_counter()
    process = _spawn(module_args, port, chunks=5, image_env=image_env)
    try:
        asyncio.run(wait_for_ping(port, timeout=120))
        exchange = asyncio.run(invoke(port, {"prompt": "Hello"}))
        return exchange.event_times[0] - started
    finally:
        _stop(process)


def _stream_seconds(
    sides: dict[str, tuple[list[str], dict[str, str]]], chunks: int, runs: int
) -> dict[str, list[float]]:
    """Request-to-last-byte seconds of each warm server's answer, one request to each side in turn per run."""
    ports = {name: free_port() for name in sides}
    processes = [
        _spawn(module_args, ports[name], chunks, image_env) for name, (module_args, image_env) in sides.items()
    ]
    try:
        for port in ports.values():
            asyncio.run(wait_for_ping(port, timeout=120))
            asyncio.run(invoke(port, {"prompt": "warm up"}))
        totals: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(runs):
            for name, port in ports.items():
                exchange = asyncio.run(invoke(port, {"prompt": "Hello"}))
                if len(exchange.values) != chunks:
                    raise RuntimeError(f"{name} streamed {len(exchange.values)} chunks, expected {chunks}")
                totals[name].append(exchange.total)
        return totals
    finally:
        for process in processes:
            _stop(process)


def against_tutorial(cold_runs: int, stream_runs: int, chunks: int = 2000) -> dict[str, Any]:
    """Medians for both sides, runs interleaved so that machine load hits both alike; ratios are ours ÷ theirs, for
    the medians and for each interleaved run."""
    ours_env = image_telemetry_env()
    ours_cold, ours_code_cold, tutorial_cold = [], [], []
    for _ in range(cold_runs):
        ours_cold.append(_cold_ttfc(OURS, ours_env))
        ours_code_cold.append(_cold_ttfc(OURS, {}))
        tutorial_cold.append(_cold_ttfc(TUTORIAL, {}))
    streams = _stream_seconds({"ours": (OURS, ours_env), "tutorial": (TUTORIAL, {})}, chunks, stream_runs)
    ours_c, tutorial_c = statistics.median(ours_cold), statistics.median(tutorial_cold)
    ours_code_c = statistics.median(ours_code_cold)
    ours_stream, tutorial_stream = statistics.median(streams["ours"]), statistics.median(streams["tutorial"])
    return {
        "cold_runs": cold_runs,
        "stream_runs": stream_runs,
        "ours_cold_ttfc_s": ours_c,
        "tutorial_cold_ttfc_s": tutorial_c,
        "cold_ttfc_ratio": ours_c / tutorial_c,
        "cold_ttfc_ratio_runs": _ratios(ours_cold, tutorial_cold),
        "ours_code_cold_ttfc_s": ours_code_c,
        "cold_ttfc_code_ratio": ours_code_c / tutorial_c,
        "cold_ttfc_code_ratio_runs": _ratios(ours_code_cold, tutorial_cold),
        "ours_stream_ms": ours_stream * 1000,
        "tutorial_stream_ms": tutorial_stream * 1000,
        "stream_ratio": ours_stream / tutorial_stream,
        "stream_ratio_runs": _ratios(streams["ours"], streams["tutorial"]),
        "chunks": chunks,
    }


def _ratios(ours: list[float], theirs: list[float]) -> list[float]:
    return [o / t for o, t in zip(ours, theirs, strict=True)]


def _serve_ours() -> None:
    """Our production entry point, ``agent.server.main``, with the scripted model streaming ``--chunks`` deltas."""
    import argparse

    from agent.server import main
    from bench.serve import tokens
    from fakes.scripted_model import ScriptedModel

    parser = argparse.ArgumentParser()
    parser.add_argument("--serve-ours", action="store_true")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--chunks", type=int, default=2000)
    args = parser.parse_args()
    main(["--host", "127.0.0.1", "--port", str(args.port)], model=ScriptedModel([tokens(args.chunks)], repeat=True))


if __name__ == "__main__":
    _serve_ours()
