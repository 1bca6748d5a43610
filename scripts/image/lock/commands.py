"""The proofs' commands: run from the repository's root, output captured, a timeout a failure rather than a hang."""

from __future__ import annotations

import subprocess

from scripts.image.failure import CheckFailed
from scripts.image.paths import ROOT


def run(command: list[str], *, timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``command`` to its end and return what it printed, whatever its status.

    Raises:
        CheckFailed: it took more than ``timeout`` seconds.
    """
    try:
        return subprocess.run(  # noqa: S603 (fixed argument lists built by the proofs)
            command, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT, check=False
        )
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"{' '.join(command[:4])} ... took more than {timeout:.0f} s") from None
