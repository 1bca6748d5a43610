"""Containers of a built image, run as AgentCore would run them, and the little every check does with one.

Containers use the host's network namespace (nothing else is reachable, and no bridge is created), so the agent's
port must be free on this machine. Every container started here is removed when its ``with`` block ends.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import httpx

from contract.agentcore import PORT
from fakes.sse import sse_values
from scripts.image.engine.docker_cli import docker
from scripts.image.failure import CheckFailed
from scripts.image.paths import FAKES, PROBES

AGENT_URL = f"http://127.0.0.1:{PORT}"
CONTAINER_PREFIX = "agentcore-image-test-"
IMAGE_UID = 1000
"""The image's user (the Dockerfile's ``USER``): every process of a container runs as it."""
RUN_ENV = {"AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "LOG_LEVEL": "INFO"}
"""No credentials and no instance metadata: Bedrock calls fail at once, as they must without credentials."""
PROBES_MOUNT = "/probes"
"""Where ``scripts/image/probes`` is mounted read-only for the checks: outside ``/app``, never baked in."""
FAKES_MOUNT = "/app/fakes"
"""Where ``fakes/`` is mounted read-only when a container needs a scripted model: importable as the agent is."""
SHUTDOWN_LIMIT_SECONDS = 2.0
"""From SIGTERM to the container's exit, as the image promises."""
STOP_GRACE_SECONDS = 10
"""``docker stop``'s wait between SIGTERM and SIGKILL, as AgentCore's."""
EMULATED_SHUTDOWN_LIMIT_SECONDS = float(STOP_GRACE_SECONDS)
"""Under QEMU everything runs many times slower: Docker's grace before SIGKILL is the bound; the time is reported."""
EMULATED_TOOL_ENV = {"TOOL_TIMEOUT_SECONDS": "300"}
"""Under QEMU a calculator worker takes tens of seconds to start (sympy's import, emulated), and the first calculation
waits for it: the agent's 30 s for a tool call, meant for real hardware, can end the call first on a busy machine."""


@dataclass(frozen=True)
class BuiltImage:
    """An image ``make image-test`` built: what every check is given."""

    tag: str
    arch: str
    """``amd64`` or ``arm64``, which starts every progress line about it."""
    emulated: bool
    """Whether it runs under QEMU on this machine, many times slower: its limits are longer."""

    @property
    def ping_timeout(self) -> float:
        """Seconds a container may take to answer ``/ping``: minutes under QEMU."""
        return 300 if self.emulated else 60

    @property
    def shutdown_limit(self) -> float:
        """Seconds a container may take to exit on SIGTERM."""
        return EMULATED_SHUTDOWN_LIMIT_SECONDS if self.emulated else SHUTDOWN_LIMIT_SECONDS

    @property
    def tool_env(self) -> dict[str, str]:
        """Settings for a container whose agent calls tools: the agent's own natively, more time under QEMU."""
        return EMULATED_TOOL_ENV if self.emulated else {}


def mounts(*, probes: bool = True, fakes: bool = False) -> list[str]:
    """``docker run`` options mounting the probes and the stand-ins, each when asked, read-only."""
    options = ["--volume", f"{PROBES}:{PROBES_MOUNT}:ro"] if probes else []
    if fakes:
        options += ["--volume", f"{FAKES}:{FAKES_MOUNT}:ro"]
    return options


def environment(extra: dict[str, str] | None = None) -> list[str]:
    """``docker run`` options setting ``RUN_ENV``, and ``extra``."""
    return [option for key, value in {**RUN_ENV, **(extra or {})}.items() for option in ("--env", f"{key}={value}")]


def probe_path(probe: str) -> str:
    """Where ``probe`` (a file of ``scripts/image/probes``) is inside a container."""
    return f"{PROBES_MOUNT}/{probe}"


def run_in_image(image: str, *command: str, probes: bool = True, timeout: float = 600) -> str:
    """Run a one-off command in a fresh container of ``image`` with no network; returns its stdout.

    Args:
        image: the image to run.
        command: the command and its arguments, instead of the image's entrypoint and ``CMD``.
        probes: mount the probes (a measurement leaves them out).
        timeout: seconds the command may take.
    """
    options = ["--network", "none", *mounts(probes=probes), "--entrypoint", command[0]]
    return docker("run", "--rm", *options, image, *command[1:], timeout=timeout).stdout


@contextmanager
def container(
    image: str,
    name: str,
    *command: str,
    env: dict[str, str] | None = None,
    probes: bool = True,
    fakes: bool = False,
) -> Iterator[str]:
    """A detached container on the host network, as AgentCore would start it; removed when the block ends.

    Args:
        image: the image to run.
        name: the container's name (any old container of that name is removed first).
        command: the command, instead of the image's ``CMD``; none runs the ``CMD``.
        env: settings beyond ``RUN_ENV``.
        probes: mount the probes (a measurement leaves them out).
        fakes: mount ``fakes/`` for a scripted model.
    """
    docker("rm", "--force", name, check=False)
    options = ["--detach", "--name", name, "--network", "host", *environment(env), *mounts(probes=probes, fakes=fakes)]
    docker("run", *options, image, *command)
    try:
        yield name
    finally:
        docker("rm", "--force", name, check=False)


def probe_in(name: str, probe: str) -> Any:
    """Run ``probe`` in the running container ``name``, as its user; returns the JSON value it printed last."""
    return json_of(docker("exec", name, "python", probe_path(probe)).stdout)


def json_of(stdout: str) -> Any:
    """The JSON value on the last line of a probe's stdout."""
    return json.loads(stdout.strip().splitlines()[-1])


def wait_for_ping(name: str, timeout: float) -> float:
    """Seconds until ``/ping`` answers Healthy.

    Raises:
        CheckFailed: it never did within ``timeout``, or the container stopped; the message holds the container's log.
    """
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with suppress(httpx.TransportError):
            answer = httpx.get(f"{AGENT_URL}/ping", timeout=2)
            if answer.status_code == 200 and answer.json().get("status") == "Healthy":
                return time.monotonic() - started
        if docker("inspect", "--format", "{{.State.Running}}", name).stdout.strip() != "true":
            break
        time.sleep(0.05)
    raise CheckFailed(f"/ping never answered Healthy; container log:\n{docker('logs', name).stderr[-4000:]}")


def invoke(payload: dict[str, Any], timeout: float) -> tuple[httpx.Response, list[Any]]:
    """POST ``payload`` to the container and read the whole answer: its events when it streams, else none."""
    with httpx.stream("POST", f"{AGENT_URL}/invocations", json=payload, timeout=timeout) as response:
        if response.status_code == 200:
            return response, list(sse_values(response.iter_lines()))
        response.read()
    return response, []
