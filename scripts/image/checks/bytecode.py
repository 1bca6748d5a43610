"""Bytecode for every module the agent imports to start serving.

Without it, the image's process (uid 1000, ``PYTHONDONTWRITEBYTECODE``) compiles the module again at every start,
before its first ``/ping``. ``probes/bytecode_scan.py`` looks.
"""

from __future__ import annotations

from scripts.image.checks.containers import BuiltImage, environment, json_of, mounts, probe_path
from scripts.image.engine.docker_cli import docker
from scripts.image.failure import CheckFailed
from scripts.image.progress import log


def check_bytecode(image: BuiltImage) -> None:
    """Run the bytecode scan in a fresh container of ``image``, under ``opentelemetry-instrument`` as the CMD runs.

    Raises:
        CheckFailed: a module imported at start has no bytecode.
    """
    result = docker(
        "run",
        "--rm",
        "--network",
        "none",
        *environment(),
        "--env",
        "PYTHONPATH=/app",  # the probe runs from its mount, not from the image's working directory
        *mounts(fakes=True),
        image.tag,
        "opentelemetry-instrument",
        "python",
        probe_path("bytecode_scan.py"),
    )
    facts = json_of(result.stdout)
    if facts["at_start"]:
        raise CheckFailed(f"modules imported at start without bytecode (compiled at every start): {facts['at_start']}")
    later = facts["after_request"]
    log(
        f"{image.arch}: all {facts['loaded']} modules loaded have bytecode but {len(later)} that only the"
        f" first request imports: {', '.join(later[:8])}{' ...' if later else ''}"
    )
