"""Every figure ``make bench`` reports, defined once: adding a figure is one entry in ``FIGURES``.

A figure reads one field of one measurement (``bench/measurements.py`` names them). Its spread is the min and max of
the same quantity over the runs it was computed from, which the measurement returns as ``<field>_runs``; a figure
measured once says so (``single``) instead of inventing a spread. The table printed by ``python -m bench``, the JSON
and ``docs/performance.md`` are all made from these entries.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One figure: where its value comes from, its goal, how it is printed, and the text that explains it."""

    key: str
    """Its JSON key and its name in the table."""
    measurement: str
    """The measurement whose fields it reads."""
    field: str
    """The field holding its value; its per-run values are in ``<field>_runs`` unless ``single``."""
    fmt: str
    """Format spec of its value and range, e.g. ``.2f``."""
    detail: str
    """One line of context, formatted with the measurement's fields (and other measurements by name)."""
    explanation: str
    """What it measures and how: the page's text for it. No measured number: those come from the run."""
    spread: str
    """What its range is the min and max of; for a ``single`` figure, why it has none."""
    goal: float | None = None
    """Upper bound (every goal is "at most"); ``None``: informational."""
    unit: str = ""
    """Printed after the value, e.g. ``MB``."""
    single: bool = False
    """Measured once: no per-run values, shown as "single measurement"."""

    def shown(self, value: float) -> str:
        """The value as the table prints it."""
        return f"{value:{self.fmt}}" + (f" {self.unit}" if self.unit else "")

    def shown_range(self, bounds: list[float] | None) -> str:
        """The range as the table prints it: ``low to high``, or "single measurement"."""
        if bounds is None:
            return "single measurement"
        low, high = bounds
        return f"{low:{self.fmt}} to {self.shown(high)}"

    def verdict(self, value: float) -> str:
        """``met`` or ``MISSED`` against the goal, ``informational`` without one."""
        if self.goal is None:
            return "informational"
        return "met" if value <= self.goal else "MISSED"


FIGURES: tuple[Figure, ...] = (
    Figure(
        key="sse_overhead_ratio",
        measurement="sse",
        field="ratio",
        fmt=".2f",
        goal=1.3,
        detail="agent {agent_ms:.1f} ms / floor {floor_ms:.1f} ms, {chunks} chunks (medians of {runs} pairs)",
        explanation=(
            "Time to stream instant text deltas through the agent (the real `create_app`, a scripted model, the real "
            "Strands loop) ÷ the same `data:` lines from a bare Starlette `StreamingResponse` of pre-encoded bytes, "
            "request sent to last byte, one request to each server in turn. Events the model yields back to back "
            "share one write (at most 1 ms apart); a lone event is written at once. The ratio moves with the "
            "machine's other load: read a change in it against the range."
        ),
        spread="agent ÷ floor of each alternated pair",
    ),
    Figure(
        key="strands_loop_ms",
        measurement="sse",
        field="strands_loop_ms",
        fmt=".1f",
        detail="Strands' own loop producing the same {chunks} deltas in process, no server (median of {runs})",
        explanation=(
            "Strands' event loop alone, run in the benchmark's own process with the same scripted model and no "
            "server at all: the part of `sse_overhead_ratio`'s agent time that belongs to the dependency rather than "
            "to the serving path."
        ),
        spread="each run's time",
    ),
    Figure(
        key="ttfc_overhead_ms",
        measurement="ttfc",
        field="overhead_ms",
        fmt=".2f",
        goal=5.0,
        detail="agent {agent_ms:.2f} ms - floor {floor_ms:.2f} ms (medians of {runs} alternated pairs)",
        explanation=(
            "Median time from sending the request to the first chunk through the agent, minus the floor's, the model "
            "answering at once with one delta: the SDK's request handling, a new session's `Agent`, Strands' start "
            "of turn. An absolute time holds on one machine only; `ttfc_ratio` is the same measurement as a ratio."
        ),
        spread="agent - floor of each alternated pair",
    ),
    Figure(
        key="ttfc_ratio",
        measurement="ttfc",
        field="ratio",
        fmt=".2f",
        detail="agent {agent_ms:.2f} ms / floor {floor_ms:.2f} ms (medians)",
        explanation=(
            "The medians of `ttfc_overhead_ms` as agent ÷ floor: how many times what any Starlette SSE server needs "
            "to send its first chunk on this machine, which compares across machines where the difference does not. "
            "Informational; the goal stays on `ttfc_overhead_ms`."
        ),
        spread="agent ÷ floor of each alternated pair",
    ),
    Figure(
        key="chunk_delay_p99_ms",
        measurement="chunk_delay",
        field="p99_ms",
        fmt=".2f",
        goal=5.0,
        detail=(
            "p50 {p50_ms:.2f} ms, max {max_ms:.2f} ms over {samples} chunks in {requests} requests"
            " paced {pace_ms:.0f} ms"
        ),
        explanation=(
            "The model paces its deltas and stamps each with the time it emitted it; the figure is the p99, over "
            "every chunk of every request, of its arrival at the client minus its emission."
        ),
        spread="each request's own p99 over its chunks",
    ),
    Figure(
        key="cold_start_ratio",
        measurement="cold_start",
        field="ratio",
        fmt=".2f",
        goal=1.2,
        detail="server {server_s:.2f} s / import floor {floor_s:.2f} s (medians of {runs})",
        explanation=(
            'Process start to the first healthy `/ping` of `python -m agent.server` ÷ `python -c "import '
            "bedrock_agentcore.runtime, strands\"`, run in turn. This ratio, too, moves with the machine's load."
        ),
        spread="server ÷ floor of each run",
    ),
    Figure(
        key="calculator_import_s",
        measurement="cold_start",
        field="calculator_import_s",
        fmt=".2f",
        unit="s",
        detail="strands_tools.calculator on top of the frameworks; its worker imports it beside the server (median of "
        "{runs})",
        explanation=(
            "What importing `strands_tools.calculator` (sympy) costs on top of the frameworks. The agent never imports "
            "it itself: the calculator runs in a worker process, which `python -m agent` starts before the server "
            "imports its frameworks, so the two imports run side by side on two cores and neither `/ping` nor the "
            "first answer waits for this one. The model is offered the calculator's recorded spec meanwhile."
        ),
        spread="each run's import time",
    ),
    Figure(
        key="calculator_first_call_added_ms",
        measurement="calculator",
        field="added_ms",
        fmt=".0f",
        goal=100.0,
        detail="first call sent as /ping first answered {first_ms:.0f} ms - warm call {warm_ms:.1f} ms (medians, "
        "tool_use to tool_result)",
        explanation=(
            "What the first calculator call pays over a warm one, in the worst case: the agent is started as "
            "`python -m agent` starts it, with a model that calls the calculator at once, and the first request is "
            "sent the moment `/ping` first answers; the second finds the worker warm. Both are timed by the client, "
            "from the `tool_use` event to the `tool_result` event. The goal keeps the worker's start (sympy's import "
            "in a fresh process) hidden behind the server's own: before the calculator moved to a worker process, "
            "this first call paid the rest of an in-process import (about 240 ms on the development machine)."
        ),
        spread="each run's first call minus its warm call",
    ),
    Figure(
        key="tutorial_cold_ttfc_ratio",
        measurement="tutorial",
        field="cold_ttfc_ratio",
        fmt=".2f",
        goal=0.6,
        detail=(
            "ours {ours_cold_ttfc_s:.2f} s / tutorial {tutorial_cold_ttfc_s:.2f} s"
            " (process start to first chunk, opentelemetry-instrument, medians of {cold_runs})"
        ),
        explanation=(
            "Ours against an agent written the way AWS's AgentCore tutorial writes it (`bench/tutorial_agent.py`: "
            "module-level imports including `strands_tools.calculator`, one global `Agent`, an async-generator "
            'entrypoint yielding each `event["data"]`, served by the SDK\'s `app.run()`), both with the same '
            "scripted model and both under `opentelemetry-instrument` as the image runs them (telemetry pointed at a "
            "closed port). Cold: process start to the first chunk of the first request, sent the moment `/ping` "
            "first answers, the two run in turn. Ours runs with the `OTEL_*` settings of our Dockerfile's `ENV` "
            "(ADOT's MCP instrumentation off: the agent uses no MCP), the tutorial's with none, as the tutorial sets "
            "none."
        ),
        spread="ours ÷ tutorial of each run",
    ),
    Figure(
        key="tutorial_cold_ttfc_code_ratio",
        measurement="tutorial",
        field="cold_ttfc_code_ratio",
        fmt=".2f",
        detail=(
            "ours {ours_code_cold_ttfc_s:.2f} s / tutorial {tutorial_cold_ttfc_s:.2f} s,"
            " both with the tutorial's telemetry settings: what the code alone gains"
        ),
        explanation=(
            "As `tutorial_cold_ttfc_ratio`, with ours run under the tutorial's telemetry settings too: what the "
            "code alone gains (the first answer does not wait for sympy); the rest of the gain is the image's "
            "telemetry setting. Both processes import the same frameworks, which are most of the time left."
        ),
        spread="ours ÷ tutorial of each run",
    ),
    Figure(
        key="tutorial_stream_ratio",
        measurement="tutorial",
        field="stream_ratio",
        fmt=".2f",
        detail=(
            "ours {ours_stream_ms:.0f} ms / tutorial {tutorial_stream_ms:.0f} ms for {chunks} chunks"
            " (warm, medians of {stream_runs})"
        ),
        explanation=(
            "A warm server's long answer, request to last byte, both servers up and asked in turn. The tutorial's "
            "async generator goes through the SDK's worker thread and queue, one hop per chunk, while ours returns "
            "its own streaming response."
        ),
        spread="ours ÷ tutorial of each pair of requests",
    ),
    Figure(
        key="rss_growth_mb",
        measurement="rss",
        field="growth_mb",
        fmt=".1f",
        goal=20.0,
        single=True,
        detail=(
            "{rss_after_first_mb:.0f} -> {rss_after_all_mb:.0f} MiB over {invocations} invocations"
            " in {sessions} sessions"
        ),
        explanation=(
            "Server RSS after all the invocations across the sessions minus after the first one in each, taken once "
            "the server's start-up work (the calculator's background import) has settled; conversations are kept "
            "per session, at most `MAX_SESSIONS` of them."
        ),
        spread="one server, one difference of two readings",
    ),
    Figure(
        key="memory_ttfc_added_ms",
        measurement="conversation_memory",
        field="added_ms",
        fmt=".2f",
        goal=2.0,
        detail=(
            "warm turns {warm_memory_ms:.2f} ms with memory - {warm_plain_ms:.2f} ms without (medians);"
            " {saved_turns}/{expected_turns} turns saved,"
            " memory calls {memory_call_min_ms:.0f}-{memory_call_max_ms:.0f} ms"
        ),
        explanation=(
            "Two agents, each in its own process, one keeping conversations in process only, one with `MEMORY_ID` "
            "against the local stand-in of the AgentCore Memory data plane (`fakes/memory_plane.py`, in a third "
            "process) where every call takes as long as the detail says. Each conversation is a few turns sent back "
            "to back, each the moment the previous answer ended, so each turn starts while the previous turn's write "
            "is still in flight; conversations alternate between the two agents. The figure is the median time to "
            "first chunk of the turns after the first with memory minus without. Every turn is then read back from "
            "the stand-in with boto3 (`turns saved`); the benchmark fails if one is missing."
        ),
        spread="with - without of each alternated pair of conversations (medians of its turns after the first)",
    ),
    Figure(
        key="memory_restore_ms",
        measurement="conversation_memory",
        field="restore_ms",
        fmt=".1f",
        detail=(
            "first turn in a process {first_memory_ms:.1f} ms with memory - {first_plain_ms:.1f} ms without"
            " (medians): one ListEvents"
        ),
        explanation=(
            "As `memory_ttfc_added_ms`, for the first turn of each conversation, which in a new process reads the "
            "conversation from memory first (one `ListEvents`); a new microVM pays it once per session."
        ),
        spread="with - without of each alternated pair of first turns",
    ),
    Figure(
        key="image_payload_ratio",
        measurement="payload",
        field="ratio",
        fmt=".4f",
        goal=0.8,
        single=True,
        detail="{ours_mb:.0f} MB / naive {naive_mb:.0f} MB (linux/aarch64, installed)",
        explanation=(
            "Installed size for linux/aarch64 of `agent/requirements.txt` (a plain `pip install` of the lock, "
            "compiled and untrimmed) ÷ the naive unpinned set `strands-agents strands-agents-tools "
            "bedrock-agentcore aws-opentelemetry-distro` with all its dependencies, resolved on the day of the run. "
            "The baseline floats with upstream releases while the lock does not; `image_layers_mb` is the figure for "
            "what the image really adds."
        ),
        spread="one install of each set; sizes do not vary between runs",
    ),
    Figure(
        key="image_payload_mb",
        measurement="payload",
        field="ours_mb",
        fmt=".1f",
        single=True,
        detail="agent/requirements.txt installed for linux/aarch64",
        explanation="The numerator of `image_payload_ratio`, in MB (10^6 bytes).",
        spread="one install; sizes do not vary between runs",
    ),
    Figure(
        key="boto3_overhead_ratio",
        measurement="client_path",
        field="ratio",
        fmt=".2f",
        detail="decoded values {ours_ms:.1f} ms / raw iter_lines {raw_ms:.1f} ms, {chunks} chunks (medians of {runs})",
        explanation=(
            "Through real boto3 and the local AgentCore stand-in, our client streaming and JSON-decoding the values "
            "÷ botocore's `iter_lines()` merely splitting the same stream into raw lines, the two run in turn."
        ),
        spread="ours ÷ raw of each pair",
    ),
    Figure(
        key="image_mb",
        measurement="image",
        field="arm64_image_mb",
        fmt=".0f",
        unit="MB",
        single=True,
        detail="linux/arm64 = stand-in base {arm64_base_mb:.0f} MB + layers; measured by make image-test at {commit}",
        explanation=(
            "The linux/arm64 image built by `make image-test` on its stand-in base, read from "
            "`build/image-test.json` (it needs Docker; the benchmarks do not). `make bench` shows the image's figures "
            "as not measured when that file is missing or was measured from another Dockerfile, `agent/` or "
            "`contract/` (it records a hash of the build context)."
        ),
        spread="one build; sizes do not vary between runs",
    ),
    Figure(
        key="image_layers_mb",
        measurement="image",
        field="arm64_layers_mb",
        fmt=".0f",
        unit="MB",
        goal=150.0,
        single=True,
        detail="added by the Dockerfile to the stand-in base",
        explanation="What the Dockerfile adds on top of the base image: `image_mb` minus the stand-in base.",
        spread="one build; sizes do not vary between runs",
    ),
    Figure(
        key="image_layers_naive_ratio",
        measurement="image",
        field="layers_naive_ratio",
        fmt=".2f",
        single=True,
        detail="image_layers_mb / the naive set installed ({naive_mb:.0f} MB)",
        explanation="`image_layers_mb` ÷ the naive set of `image_payload_ratio`.",
        spread="a ratio of two single measurements",
    ),
    Figure(
        key="container_ping_ratio",
        measurement="image",
        field="amd64_container_ping_ratio",
        fmt=".2f",
        detail=(
            "amd64 native: /ping {amd64_container_ping_s:.2f} s / python -c pass {amd64_container_bare_s:.2f} s"
            " (medians of {amd64_runs})"
        ),
        explanation=(
            "`docker run` of the image to its first healthy `/ping` ÷ `docker run` of `python -c pass` in the same "
            "image, natively on amd64, the two run in turn by `make image-test`."
        ),
        spread="/ping ÷ python -c pass of each run",
    ),
    Figure(
        key="container_ping_ratio_arm64_emulated",
        measurement="image",
        field="arm64_container_ping_ratio",
        fmt=".1f",
        single=True,
        detail=(
            "arm64 emulated by QEMU: /ping {arm64_container_ping_s:.1f} s"
            " / python -c pass {arm64_container_bare_s:.1f} s"
        ),
        explanation=(
            "`container_ping_ratio` for the linux/arm64 image under QEMU's emulation: it says more about the "
            "emulator than about the image."
        ),
        spread="make image-test starts the emulated image once",
    ),
)
"""The figures, in the order the table shows them."""
