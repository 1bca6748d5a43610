"""Bytecode for every module the agent imports to start serving, and for every module its calculator workers import.

Without it, a process of the image (uid 1000, ``PYTHONDONTWRITEBYTECODE``) compiles the module again at every start:
the server before its first ``/ping``, a worker before its first calculation. ``probes/bytecode_scan.py`` looks.
"""

from __future__ import annotations

import json

from scripts.image.checks.containers import BuiltImage, environment, json_of, mounts, probe_path
from scripts.image.engine.docker_cli import docker
from scripts.image.failure import CheckFailed
from scripts.image.progress import log


def check_bytecode(image: BuiltImage) -> None:
    """Run the bytecode scan in a fresh container of ``image``, under ``opentelemetry-instrument`` as the CMD runs.

    Raises:
        CheckFailed: the calculator did not answer, or a module imported at start, or by a calculator worker, has no
            bytecode, or no worker reported.
    """
    result = docker(
        "run",
        "--rm",
        "--network",
        "none",
        *environment(image.tool_env),
        "--env",
        "PYTHONPATH=/app",  # the probe runs from its mount, not from the image's working directory
        *mounts(fakes=True),
        image.tag,
        "opentelemetry-instrument",
        "python",
        probe_path("bytecode_scan.py"),
    )
    facts = json_of(result.stdout)
    calculator = facts["calculator"]
    if calculator.get("status") != "success" or "391" not in json.dumps(calculator):
        raise CheckFailed(f"the calculator did not answer 17 * 23, so its worker was not seen whole: {calculator}")
    if facts["at_start"]:
        raise CheckFailed(f"modules imported at start without bytecode (compiled at every start): {facts['at_start']}")
    if facts["worker_compiled"]:
        raise CheckFailed(
            f"modules a calculator worker imports without bytecode (compiled at every worker's start): "
            f"{facts['worker_compiled']}"
        )
    if not facts["worker_from_bytecode"]:
        raise CheckFailed(f"no calculator worker reported its imports; stderr:\n{result.stderr[-3000:]}")
    later = facts["after_request"]
    log(
        f"{image.arch}: all {facts['loaded']} modules loaded have bytecode but {len(later)} that only the"
        f" first request imports: {', '.join(later[:8])}{' ...' if later else ''}"
    )
    workers = facts["worker_from_bytecode"]
    log(f"{image.arch}: the calculator's workers loaded all {workers} of their modules from bytecode")
