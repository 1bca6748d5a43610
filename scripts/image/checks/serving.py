"""The image as AgentCore starts it, without credentials: healthy, streaming, answering bad input, stopping in time."""

from __future__ import annotations

import time
from typing import Any

import httpx

from scripts.image.checks.containers import (
    AGENT_URL,
    CONTAINER_PREFIX,
    STOP_GRACE_SECONDS,
    BuiltImage,
    container,
    invoke,
    wait_for_ping,
)
from scripts.image.checks.processes import check_processes
from scripts.image.engine.docker_cli import docker
from scripts.image.failure import CheckFailed
from scripts.image.progress import log


def check_default_container(image: BuiltImage) -> dict[str, Any]:
    """``/ping``, the processes, two invocations that end in the error event, a bad body, then ``docker stop``.

    Returns:
        ``ping_s`` (``docker run`` to a healthy ``/ping``) and ``stop_s`` (``docker stop``'s time).

    Raises:
        CheckFailed: any of them did not behave.
    """
    facts: dict[str, Any] = {}
    arch = image.arch
    name = f"{CONTAINER_PREFIX}{arch}"
    with container(image.tag, name):
        facts["ping_s"] = wait_for_ping(name, image.ping_timeout)
        log(f"{arch}: /ping Healthy {facts['ping_s']:.1f} s after docker run")
        log(f"{arch}: {check_processes(name)}")
        for attempt in (1, 2):
            response, values = invoke({"prompt": "Hello"}, timeout=120)
            kind = response.headers.get("content-type", "")
            if response.status_code != 200 or not kind.startswith("text/event-stream"):
                raise CheckFailed(f"/invocations answered {response.status_code} {kind}: {response.text[:500]}")
            if not values or not isinstance(values[-1], dict) or values[-1].get("type") != "stream_error":
                raise CheckFailed(f"without credentials the stream must end in the JSON error event, got {values}")
            log(f"{arch}: invocation {attempt} without credentials streamed and ended with: {values[-1]['error'][:90]}")
        bad = httpx.post(
            f"{AGENT_URL}/invocations", content=b'{"prompt": ', headers={"Content-Type": "application/json"}, timeout=30
        )
        if not 400 <= bad.status_code < 500 or "error" not in bad.json():
            raise CheckFailed(f"bad JSON got {bad.status_code} {bad.text[:300]}")
        wait_for_ping(name, 30)
        log(f"{arch}: bad JSON got {bad.status_code} {bad.json()['error']!r}; /ping still Healthy")
        facts["stop_s"], code = stop(name, image.shutdown_limit)
        log(f"{arch}: docker stop took {facts['stop_s']:.2f} s, exit code {code}")
        if code != 0:
            raise CheckFailed(f"docker stop: exit code {code}; log:\n{docker('logs', name).stderr[-3000:]}")
    return facts


def stop(name: str, limit: float) -> tuple[float, int]:
    """``docker stop`` (SIGTERM, then SIGKILL after the grace): seconds taken and the exit code.

    Raises:
        CheckFailed: it took longer than ``limit`` seconds.
    """
    started = time.monotonic()
    docker("stop", "--time", str(STOP_GRACE_SECONDS), name)
    took = time.monotonic() - started
    code = int(docker("inspect", "--format", "{{.State.ExitCode}}", name).stdout)
    if took > limit:
        raise CheckFailed(f"the container took {took:.1f} s to stop on SIGTERM (limit {limit:.0f} s)")
    return took, code
