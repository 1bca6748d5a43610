"""Every process in the container, as ``/proc`` shows it: who runs it, its parent, its command, PID 1's environment.

``scripts.image.checks.processes`` runs it with ``docker exec`` in a running container, as the container's user.
Prints one JSON list with an object per process: ``pid``, ``ppid``, ``uids`` (real, effective, saved, file system),
``cmdline``, and ``environ`` (PID 1's only; empty for the others).
"""

from __future__ import annotations

import json
import os
from typing import Any


def _field(status: str, name: str) -> list[str]:
    return next(line.split()[1:] for line in status.splitlines() if line.startswith(f"{name}:"))


def _parts(raw: bytes) -> list[str]:
    return [part.decode() for part in raw.split(b"\0") if part]


def scan() -> list[dict[str, Any]]:
    """Every process still there when its ``/proc`` entry is read (this probe included)."""
    processes = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status", encoding="utf-8") as status_file:
                status = status_file.read()
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                command = _parts(cmdline.read())
            environ = []
            if pid == "1":
                with open("/proc/1/environ", "rb") as environ_file:
                    environ = _parts(environ_file.read())
        except OSError:
            continue  # ended while being read
        processes.append(
            {
                "pid": int(pid),
                "ppid": int(_field(status, "PPid")[0]),
                "uids": _field(status, "Uid"),
                "cmdline": command,
                "environ": environ,
            }
        )
    return processes


if __name__ == "__main__":
    print(json.dumps(scan()))
