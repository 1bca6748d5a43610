"""Run the benchmarks: ``python -m bench`` (full, as ``make bench``) or ``python -m bench --quick`` (< 1 min).

Prints a table, then, as the last line, one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import built_image, calculator, conversation_memory, memory, startup, streaming, tutorial

GOALS: dict[str, float] = {
    "sse_overhead_ratio": 1.3,
    "ttfc_overhead_ms": 5.0,
    "chunk_delay_p99_ms": 5.0,
    "cold_start_ratio": 1.2,
    "rss_growth_mb": 20.0,
    "image_payload_ratio": 0.8,
    "memory_ttfc_added_ms": 2.0,
    "tutorial_cold_ttfc_ratio": 0.6,
    "image_layers_mb": 150.0,
}
"""Upper bounds from the benchmark issue: every goal is "at most"."""


def machine() -> str:
    """What the figures were measured on."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def verdict(key: str, value: float) -> str:
    if key not in GOALS:
        return "informational"
    goal = GOALS[key]
    return f"goal <= {goal:g}: {'met' if value <= goal else 'MISSED'}"


def timed(label: str, run: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    print(f"running {label} ...", file=sys.stderr, flush=True)
    result = run()
    print(f"  {label} took {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions; skips image payload, boto3 path and image figures"
    )
    quick = parser.parse_args(argv).quick

    figures: dict[str, Any] = {"mode": "quick" if quick else "full", "machine": machine()}
    rows: list[tuple[str, str, str, str]] = []

    def record(key: str, value: float, shown: str, detail: str) -> None:
        figures[key] = round(value, 4)
        rows.append((key, shown, verdict(key, value), detail))

    sse = timed("sse overhead", lambda: streaming.sse_overhead(runs=25 if quick else 40))
    detail = f"agent {sse['agent_ms']:.1f} ms / floor {sse['floor_ms']:.1f} ms, {sse['chunks']} chunks (medians);"
    detail += f" Strands' own loop alone: {sse['strands_loop_ms']:.1f} ms in process"
    record("sse_overhead_ratio", sse["ratio"], f"{sse['ratio']:.2f}", detail)
    figures["strands_loop_ms"] = round(sse["strands_loop_ms"], 1)

    ttfc = timed("time to first chunk", lambda: streaming.ttfc_overhead(runs=50 if quick else 300))
    detail = f"agent {ttfc['agent_ms']:.2f} ms - floor {ttfc['floor_ms']:.2f} ms (medians)"
    record("ttfc_overhead_ms", ttfc["overhead_ms"], f"{ttfc['overhead_ms']:.2f}", detail)

    delay = timed(
        "chunk delay", lambda: streaming.chunk_delay(requests=3 if quick else 10, chunks=50 if quick else 100)
    )
    detail = f"p50 {delay['p50_ms']:.2f} ms, max {delay['max_ms']:.2f} ms"
    detail += f" over {delay['samples']} chunks paced {delay['pace_ms']:.0f} ms"
    record("chunk_delay_p99_ms", delay["p99_ms"], f"{delay['p99_ms']:.2f}", detail)

    cold = timed("cold start", lambda: startup.cold_start(runs=3 if quick else 9))
    detail = f"server {cold['server_s']:.2f} s / import floor {cold['floor_s']:.2f} s (medians)"
    record("cold_start_ratio", cold["ratio"], f"{cold['ratio']:.2f}", detail)
    detail = "strands_tools.calculator on top of the frameworks (median); its worker imports it after the first /ping"
    record("calculator_import_s", cold["calculator_import_s"], f"{cold['calculator_import_s']:.2f} s", detail)

    calc = timed("first calculator call", lambda: calculator.first_call(runs=3 if quick else 7))
    detail = f"first call sent as /ping first answered {calc['first_ms']:.0f} ms - warm call {calc['warm_ms']:.1f} ms"
    detail += " (medians, tool_use to tool_result)"
    record("calculator_first_call_added_ms", calc["added_ms"], f"{calc['added_ms']:.0f}", detail)
    figures["calculator_first_call_ms"] = round(calc["first_ms"], 1)
    figures["calculator_warm_call_ms"] = round(calc["warm_ms"], 2)

    theirs = timed(
        "against the tutorial's agent",
        lambda: tutorial.against_tutorial(cold_runs=2 if quick else 7, stream_runs=3 if quick else 15),
    )
    detail = f"ours {theirs['ours_cold_ttfc_s']:.2f} s / tutorial {theirs['tutorial_cold_ttfc_s']:.2f} s"
    detail += " (process start to first chunk, opentelemetry-instrument, medians)"
    record("tutorial_cold_ttfc_ratio", theirs["cold_ttfc_ratio"], f"{theirs['cold_ttfc_ratio']:.2f}", detail)
    detail = (
        f"ours {theirs['ours_code_cold_ttfc_s']:.2f} s / tutorial {theirs['tutorial_cold_ttfc_s']:.2f} s, "
        "both with the tutorial's telemetry settings: what the code alone gains"
    )
    ratio = theirs["cold_ttfc_code_ratio"]
    record("tutorial_cold_ttfc_code_ratio", ratio, f"{ratio:.2f}", detail)
    detail = f"ours {theirs['ours_stream_s'] * 1000:.0f} ms / tutorial {theirs['tutorial_stream_s'] * 1000:.0f} ms"
    detail += f" for {theirs['chunks']} chunks (warm, medians)"
    record("tutorial_stream_ratio", theirs["stream_ratio"], f"{theirs['stream_ratio']:.2f}", detail)

    rss = timed("memory", memory.rss_growth)
    detail = f"{rss['rss_after_first_mb']:.0f} -> {rss['rss_after_all_mb']:.0f} MiB"
    detail += f" over {rss['invocations']} invocations in {rss['sessions']} sessions"
    record("rss_growth_mb", rss["growth_mb"], f"{rss['growth_mb']:.1f}", detail)

    kept = timed("conversation memory", lambda: conversation_memory.ttfc_with_memory(10 if quick else 40))
    detail = f"warm turns {kept['warm_memory_ms']:.2f} ms with memory - {kept['warm_plain_ms']:.2f} ms without"
    detail += f" (medians); {kept['saved_turns']}/{kept['expected_turns']} turns saved, memory calls 30-80 ms"
    record("memory_ttfc_added_ms", kept["added_ms"], f"{kept['added_ms']:.2f}", detail)
    detail = f"first turn in a process {kept['first_memory_ms']:.1f} ms with memory - {kept['first_plain_ms']:.1f} ms"
    detail += " without (medians): one ListEvents"
    record("memory_restore_ms", kept["restore_ms"], f"{kept['restore_ms']:.1f}", detail)
    if kept["saved_turns"] != kept["expected_turns"]:
        raise RuntimeError(f"memory holds {kept['saved_turns']} of {kept['expected_turns']} turns")

    load = timed("concurrency", lambda: streaming.concurrency((1, 8, 32), requests_per_level=64 if quick else 256))
    figures["concurrency"] = [{k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()} for row in load]
    for row in load:
        detail = f"p99 ttfc {row['ttfc_p99_ms']:.1f} ms, {row['requests']} requests of 100 chunks"
        rows.append((f"concurrency x{row['streams']}", f"{row['requests_per_s']:.0f} req/s", "informational", detail))

    if not quick:
        from bench import client_path, payload

        installed = timed("image payload", payload.image_payload)
        figures["image_payload_mb"] = round(installed["ours_mb"], 1)
        detail = f"{installed['ours_mb']:.0f} MB / naive {installed['naive_mb']:.0f} MB (linux/aarch64, installed)"
        record("image_payload_ratio", installed["ratio"], f"{installed['ratio']:.4f}", detail)

        boto = timed("boto3 path", client_path.boto3_overhead)
        record("boto3_overhead_ratio", boto["ratio"], f"{boto['ratio']:.2f}", boto["detail"])

        built, note = built_image.figures()
        if built is None:
            rows.append(("image_mb", "-", "NOT MEASURED", note))
        else:
            arm, amd = built["architectures"]["arm64"], built["architectures"]["amd64"]
            naive_mb = installed["naive_mb"]
            detail = f"linux/arm64 = stand-in base {arm['base_mb']:.0f} MB + layers; {note}"
            record("image_mb", arm["image_mb"], f"{arm['image_mb']:.0f} MB", detail)
            detail = f"added by the Dockerfile; {arm['layers_mb'] / naive_mb:.2f} x the naive set ({naive_mb:.0f} MB)"
            record("image_layers_mb", arm["layers_mb"], f"{arm['layers_mb']:.0f} MB", detail)
            figures["image_layers_naive_ratio"] = round(arm["layers_mb"] / naive_mb, 4)
            detail = (
                f"amd64 native: /ping {amd['container_ping_s']:.2f} s / python -c pass {amd['container_bare_s']:.2f} s"
            )
            detail += f"; arm64 emulated by QEMU: {arm['container_ping_s']:.1f} s / {arm['container_bare_s']:.1f} s"
            ratio = amd["container_ping_ratio"]
            record("container_ping_ratio", ratio, f"{ratio:.2f}", detail)
            figures["container_ping_ratio_arm64_emulated"] = round(arm["container_ping_ratio"], 4)

    width = max(len(row[0]) for row in rows)
    print(f"\nbenchmarks ({figures['mode']}) on {figures['machine']}")
    print(f"{'figure':<{width}}  {'value':>12}  {'verdict':<24}  detail")
    for name, value, judged, detail in rows:
        print(f"{name:<{width}}  {value:>12}  {judged:<24}  {detail}")
    print(json.dumps(figures, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
