"""Who runs in a container: nobody as root, and PID 1 the agent as ``opentelemetry-instrument`` starts it.

``probes/process_scan.py`` reads ``/proc`` inside the container; this module judges what it saw.
"""

from __future__ import annotations

import json

from scripts.image.checks.containers import probe_in
from scripts.image.engine.docker_cli import docker
from scripts.image.failure import CheckFailed

AGENT_CMD = ["opentelemetry-instrument", "python", "-m", "agent"]
"""The image's ``CMD``, as AgentCore runs it."""
AUTO_INSTRUMENTATION = "opentelemetry/instrumentation/auto_instrumentation"
"""What ``opentelemetry-instrument`` puts on the ``PYTHONPATH`` of the program it starts."""


def check_processes(name: str) -> str:
    """Nobody as root, and PID 1 the agent as the image's ``CMD`` starts it.

    Returns:
        A line saying what runs.

    Raises:
        CheckFailed: either does not hold.
    """
    processes = probe_in(name, "process_scan.py")
    root = [process for process in processes if "0" in process["uids"]]
    if root:
        raise CheckFailed(f"processes running as root: {root}")
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
    return f"{len(processes) - 1} process(es) besides this probe, none as root; PID 1 is {' '.join(command)}"
