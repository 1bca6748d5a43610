"""Image payload: installed size of the image's pinned dependencies for linux/aarch64 against the naive set."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.processes import ROOT

NAIVE = ["strands-agents", "strands-agents-tools", "bedrock-agentcore", "aws-opentelemetry-distro"]
PLATFORM = ["--platform", "manylinux2014_aarch64", "--python-version", "3.13", "--only-binary=:all:"]


def _installed_bytes(*requirements: str, no_deps: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-payload-") as target:
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", target]
        command += [*PLATFORM, *(["--no-deps"] if no_deps else []), *requirements]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return sum(path.stat().st_size for path in Path(target).rglob("*") if path.is_file() and not path.is_symlink())


def image_payload() -> dict[str, Any]:
    """Bytes installed from ``agent/requirements.txt`` (as the Dockerfile installs it) ÷ the naive unpinned set."""
    lock = str(ROOT / "agent" / "requirements.txt")
    ours = _installed_bytes("-r", lock, no_deps=_dockerfile_installs_without_deps())
    naive = _installed_bytes(*NAIVE, no_deps=False)
    mb = 1_000_000
    return {"ours_mb": ours / mb, "naive_mb": naive / mb, "ratio": ours / naive}


def _dockerfile_installs_without_deps() -> bool:
    """Measure the lock the way the image installs it: a complete lock is installed with ``--no-deps``."""
    return "--no-deps" in (ROOT / "Dockerfile").read_text()
