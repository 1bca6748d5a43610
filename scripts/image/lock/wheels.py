"""Proof 1: every pin exists as a wheel for the image's platform, so the image's ``pip install`` never builds one."""

from __future__ import annotations

import sys
from pathlib import Path

from scripts.image.failure import CheckFailed
from scripts.image.lock.commands import run
from scripts.image.lock.pins import IMAGE_PYTHON, LOCK, normalise

IMAGE_PLATFORM = "manylinux2014_aarch64"
"""AgentCore's platform, linux/arm64, as pip names a wheel's."""


def prove_wheels(pins: dict[str, str], work: Path) -> str:
    """Download every pin as a linux/aarch64 CPython 3.13 wheel, checking the lock's hashes on the way.

    Args:
        pins: the lock's pins (``scripts.image.lock.pins.pinned``).
        work: a scratch directory; the wheels land in it.

    Returns:
        The proof's summary line.

    Raises:
        CheckFailed: a pin has no such wheel, or pip downloaded none for it.
    """
    dest = work / "aarch64-wheels"
    result = run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "--platform",
            IMAGE_PLATFORM,
            "--python-version",
            IMAGE_PYTHON,
            "--dest",
            str(dest),
            "-r",
            str(LOCK),
        ],
        timeout=240,
    )
    if result.returncode != 0:
        platform = f"{IMAGE_PLATFORM} wheel for CPython {IMAGE_PYTHON}"
        raise CheckFailed(f"a pinned package has no {platform}:\n{result.stderr}")
    wheels = {normalise(path.name.split("-", 1)[0]) for path in dest.glob("*.whl")}
    missing = sorted(set(pins) - wheels)
    if missing:
        raise CheckFailed(f"pip downloaded no wheel for: {', '.join(missing)}")
    return f"wheels: all {len(pins)} pins exist as {IMAGE_PLATFORM} wheels for CPython {IMAGE_PYTHON}"
