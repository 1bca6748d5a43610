"""Who runs in a container: nobody as root, PID 1 the agent, its calculator workers beside it as the image's user.

PID 1 must be the agent as ``opentelemetry-instrument`` starts it, and every calculator worker a child of PID 1 whose
uids are all the image's. ``probes/process_scan.py`` reads ``/proc`` inside the container; this module judges it.
"""

from __future__ import annotations

import json
from typing import Any

from agent.tools.calculator.process import WORKER_MODULE
from scripts.image.checks.containers import IMAGE_UID, probe_in
from scripts.image.engine.docker_cli import docker
from scripts.image.failure import CheckFailed

AGENT_CMD = ["opentelemetry-instrument", "python", "-m", "agent"]
"""The image's ``CMD``, as AgentCore runs it."""
AUTO_INSTRUMENTATION = "opentelemetry/instrumentation/auto_instrumentation"
"""What ``opentelemetry-instrument`` puts on the ``PYTHONPATH`` of the program it starts."""

Process = dict[str, Any]


def scan(name: str) -> list[Process]:
    """Every process of the running container ``name``, the scan's own included."""
    return probe_in(name, "process_scan.py")


def check_processes(name: str) -> str:
    """Nobody as root, PID 1 the agent as the image's ``CMD`` starts it, and the calculator's worker warm beside it.

    Returns:
        A line saying what runs.

    Raises:
        CheckFailed: any of those does not hold.
    """
    processes = scan(name)
    workers = check_workers(processes)
    first = next((process for process in processes if process["pid"] == 1), None)
    # Under QEMU the kernel puts the emulator in front: [qemu-aarch64, /usr/local/bin/python, python, -m, agent]
    command = first["cmdline"] if first else []
    if command[-2:] != ["-m", "agent"] or not any("python" in part for part in command[:-2]):
        raise CheckFailed(f"PID 1 is not the agent: {first}")
    pythonpath = next((item for item in first["environ"] if item.startswith("PYTHONPATH=")), "")
    if AUTO_INSTRUMENTATION not in pythonpath:
        raise CheckFailed(f"PID 1 was not started by opentelemetry-instrument (PYTHONPATH={pythonpath!r})")
    cmd = json.loads(docker("inspect", "--format", "{{json .Config.Cmd}}", name).stdout)
    if cmd != AGENT_CMD:
        raise CheckFailed(f"the image's CMD is {cmd}, expected {AGENT_CMD}")
    return (
        f"{len(processes) - 1} process(es) besides this probe, none as root; PID 1 is {' '.join(command)}; "
        f"{len(workers)} calculator worker(s), children of PID 1, as uid {IMAGE_UID}"
    )


def check_workers(processes: list[Process]) -> list[Process]:
    """Nobody as root, and at least one calculator worker, each a child of PID 1 running as the image's user.

    Returns:
        The workers.

    Raises:
        CheckFailed: a process runs as root, there is no worker, or a worker has another parent or user.
    """
    root = [process for process in processes if "0" in process["uids"]]
    if root:
        raise CheckFailed(f"processes running as root: {root}")
    workers = [process for process in processes if process["cmdline"][-3:-1] == ["-m", WORKER_MODULE]]
    if not workers:
        raise CheckFailed(f"no calculator worker ({WORKER_MODULE}) is running: {processes}")
    strays = [worker for worker in workers if worker["ppid"] != 1 or set(worker["uids"]) != {str(IMAGE_UID)}]
    if strays:
        raise CheckFailed(f"calculator workers not children of PID 1 running as uid {IMAGE_UID}: {strays}")
    return workers
