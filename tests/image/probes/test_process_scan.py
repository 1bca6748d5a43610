"""``probes/process_scan.py``, run for real on this machine: what it reports of a process is what ``/proc`` says."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from scripts.image.paths import PROBES

PROBE = PROBES / "process_scan.py"


def test_process_scan__reports_its_own_process_with_its_parent_user_and_command_line():
    probe = subprocess.Popen([sys.executable, str(PROBE)], stdout=subprocess.PIPE, text=True)
    stdout, _ = probe.communicate(timeout=60)

    processes = json.loads(stdout.strip().splitlines()[-1])
    itself = next(found for found in processes if found["pid"] == probe.pid)
    assert itself["ppid"] == os.getpid()
    assert itself["uids"] == [str(os.getuid())] * 4
    assert itself["cmdline"] == [sys.executable, str(PROBE)]
    assert [found["pid"] for found in processes if found["environ"] and found["pid"] != 1] == []
