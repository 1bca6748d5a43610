"""Where and from what the figures were measured: the machine, its load, the commit and whether the tree was clean."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

from bench.processes import ROOT

OUTPUTS = ("docs/performance.md", "docs/performance.json")
"""What ``make bench`` writes: left out of "dirty", so rerunning it over its own last output reads as clean."""


def machine() -> str:
    """What the figures were measured on."""
    return f"{_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def _cpu() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return f"{platform.machine()} ({line.split(':', 1)[1].strip()})"
    return platform.machine()


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages: other work on the machine moves the figures."""
    return [round(value, 2) for value in os.getloadavg()]


def commit() -> str:
    """The short hash of HEAD, or ``unknown`` outside a git checkout."""
    result = _git("rev-parse", "--short", "HEAD")
    return result.strip() if result else "unknown"


def dirty() -> bool:
    """Whether the tree differs from HEAD (untracked files included), the benchmarks' own outputs aside."""
    excluded = [f":(exclude){path}" for path in OUTPUTS]
    return bool(_git("status", "--porcelain", "--", ".", *excluded))


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout
