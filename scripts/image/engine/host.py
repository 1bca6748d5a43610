"""What this machine needs before a Docker engine can build and run linux/arm64: Debian's packages, QEMU's handler.

A fresh CI machine has none of it; everything comes from Debian's own archive.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from scripts.image.progress import log

DEBIAN_PACKAGES = {"dockerd": "docker.io", "mmdebstrap": "mmdebstrap", "qemu-aarch64-static": "qemu-user-static"}
"""The command each package provides, by which its absence is seen."""
UPDATE_BINFMTS = Path("/usr/sbin/update-binfmts")
"""From ``binfmt-support``, which registers QEMU with the kernel."""
BINFMT = Path("/proc/sys/fs/binfmt_misc")


def install_missing() -> None:
    """Install from Debian what ``make image-test`` needs and the machine lacks; nothing when it has it all."""
    missing = [package for binary, package in DEBIAN_PACKAGES.items() if shutil.which(binary) is None]
    if not UPDATE_BINFMTS.exists():
        missing.append("binfmt-support")
    if missing:
        log(f"installing Debian packages: {' '.join(missing)}")
        subprocess.run(["apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL, timeout=600)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(
            ["apt-get", "install", "-y", "-q", *missing], check=True, stdout=subprocess.DEVNULL, env=env, timeout=1200
        )


def enable_arm64_emulation() -> None:
    """Register QEMU's binfmt handler for aarch64, so linux/arm64 builds and containers run on this machine."""
    if not (BINFMT / "register").exists():
        subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", str(BINFMT)], check=True)
    if not (BINFMT / "qemu-aarch64").exists():
        subprocess.run([str(UPDATE_BINFMTS), "--enable", "qemu-aarch64"], check=True)
