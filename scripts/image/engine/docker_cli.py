"""The ``docker`` command line, as every part of ``make image-test`` runs it."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from scripts.image.failure import CheckFailed


def docker(*args: str, check: bool = True, timeout: float = 3600, **kwargs: Any) -> subprocess.CompletedProcess:
    """Run ``docker ARGS...`` to its end, its output captured as text.

    Args:
        args: the command's arguments after ``docker``.
        check: whether a non-zero status is a failure.
        timeout: seconds before ``subprocess.TimeoutExpired``; an image build may take most of an hour under QEMU.
        kwargs: passed to ``subprocess.run`` (``env``).

    Raises:
        CheckFailed: ``check`` is set and the command failed; the message ends with the end of its stderr.
    """
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise CheckFailed(f"docker {' '.join(args[:3])} … failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result


def engine_running() -> bool:
    """Whether a Docker engine answers the CLI."""
    return shutil.which("docker") is not None and docker("info", check=False, timeout=30).returncode == 0
