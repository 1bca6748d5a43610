"""A scripted model through the real tools inside the image, then SIGTERM in the middle of a stream.

The model comes from ``fakes/``, mounted read-only, never baked in; the calculator computes in its worker process.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from fakes.sse import sse_values
from scripts.image.checks.containers import (
    AGENT_URL,
    CONTAINER_PREFIX,
    IMAGE_UID,
    BuiltImage,
    container,
    invoke,
    wait_for_ping,
)
from scripts.image.checks.processes import check_workers, scan
from scripts.image.engine.docker_cli import docker
from scripts.image.failure import CheckFailed
from scripts.image.progress import log

SCRIPTED_SERVER = ["opentelemetry-instrument", "python", "-m", "fakes.scripted_server", "demo"]
"""``fakes/scripted_server.py``'s demo: first the calculator (17 * 23) and get_time, then a long stream of ticks."""
TICKS_BEFORE_SIGTERM = 3


def check_scripted_container(image: BuiltImage) -> dict[str, Any]:
    """The demo's tool calls answered inside the image, then SIGTERM while its second answer streams.

    Returns:
        ``sigterm_stream_s``: SIGTERM to the container's exit.

    Raises:
        CheckFailed: a tool answered wrong, the worker was not there as it should be, the stream did not end with
            the error event, or the container did not exit 0 within the shutdown limit.
    """
    arch = image.arch
    name = f"{CONTAINER_PREFIX}{arch}-scripted"
    with container(image.tag, name, *SCRIPTED_SERVER, env=image.tool_env, fakes=True):
        wait_for_ping(name, image.ping_timeout)
        _, values = invoke({"prompt": "17*23, and the time in Tokyo?", "stream": "events"}, timeout=300)
        results = {value["id"]: value for value in values if value.get("type") == "tool_result"}
        calc = results.get("tooluse_calc", {})
        clock = results.get("tooluse_time", {})
        if calc.get("status") != "success" or "391" not in json.dumps(calc.get("content")):
            raise CheckFailed(f"calculator did not answer 391 inside the image: {values}")
        if clock.get("status") != "success" or "+09:00" not in json.dumps(clock.get("content")):
            raise CheckFailed(f"get_time did not answer Tokyo time inside the image: {values}")
        if values[-1].get("type") != "done":
            raise CheckFailed(f"the scripted stream did not end with done: {values[-1]}")
        log(f"{arch}: scripted model streamed {len(values)} events through calculator (391) and get_time (+09:00)")
        with httpx.stream("POST", f"{AGENT_URL}/invocations", json={"prompt": "count"}, timeout=60) as open_:
            lines = open_.iter_lines()
            ticks = []
            for value in sse_values(lines):
                ticks.append(value)
                if len(ticks) == TICKS_BEFORE_SIGTERM:
                    break
            workers = check_workers(scan(name))
            log(
                f"{arch}: while a stream is open, calculator worker(s) {', '.join(str(w['pid']) for w in workers)} "
                f"run as uid {IMAGE_UID}, children of PID 1; sending SIGTERM"
            )
            started = time.monotonic()
            docker("kill", "--signal", "TERM", name)
            ticks.extend(sse_values(lines))
        code = int(docker("wait", name, timeout=30).stdout.strip())
        took = time.monotonic() - started
        last = ticks[-1]
        if not isinstance(last, dict) or last.get("type") != "stream_error":
            raise CheckFailed(f"the open stream did not end with the error event on SIGTERM: {ticks[-3:]}")
        if code != 0 or took > image.shutdown_limit:
            raise CheckFailed(
                f"SIGTERM mid-stream: exit code {code} after {took:.2f} s (limit {image.shutdown_limit:.0f} s)"
            )
        log(f"{arch}: SIGTERM mid-stream: stream ended with {last}, container exited 0 in {took:.2f} s")
    return {"sigterm_stream_s": took}
