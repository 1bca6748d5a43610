"""The Docker engine for a run: the one already running, or a ``dockerd`` started here and stopped at the end.

A ``dockerd`` started here has no bridge network and changes no firewall rules or forwarding: builds and containers
use the host's network. Its images and build cache stay on disk, so the next run reuses them.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.image.engine.docker_cli import engine_running
from scripts.image.engine.host import enable_arm64_emulation, install_missing
from scripts.image.failure import CheckFailed
from scripts.image.progress import log

DOCKERD = ["dockerd", "--bridge=none", "--iptables=false", "--ip-masq=false", "--ip-forward=false"]
STORAGE_DRIVERS = ("overlay2", "vfs")
"""Tried in turn: overlay2 where the kernel and the file system allow it, else vfs, slow but always there."""
START_SECONDS = 60


@contextmanager
def engine(work: Path) -> Iterator[None]:
    """A Docker engine for the ``with`` block, the machine prepared for it first (``scripts.image.engine.host``).

    Args:
        work: a scratch directory for a started ``dockerd``'s log.

    Raises:
        CheckFailed: no engine runs and ``dockerd`` started with none of ``STORAGE_DRIVERS``.
    """
    install_missing()
    enable_arm64_emulation()
    if engine_running():
        log("reusing the running Docker engine")
        yield
        return
    daemon = _start(work)
    try:
        yield
    finally:
        _stop(daemon)
        log("stopped the dockerd this run started")


def _start(work: Path) -> subprocess.Popen:
    for driver in STORAGE_DRIVERS:
        daemon_log = work / f"dockerd-{driver}.log"
        daemon = subprocess.Popen(
            [*DOCKERD, f"--storage-driver={driver}"],
            stdout=daemon_log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_SECONDS
        while daemon.poll() is None and time.monotonic() < deadline and not engine_running():
            time.sleep(0.5)
        if engine_running():
            log(f"started dockerd (pid {daemon.pid}, storage driver {driver})")
            return daemon
        _stop(daemon)
        log(f"dockerd did not start with {driver}: {daemon_log.read_text(errors='replace')[-800:]}")
    raise CheckFailed(f"could not start dockerd with {' or '.join(STORAGE_DRIVERS)} (logs above)")


def _stop(daemon: subprocess.Popen) -> None:
    """Stop a dockerd this run started, and only that one."""
    if daemon.poll() is None:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
