"""How ``make image-test`` judges the processes of a running container (``scripts.image.checks.processes``).

The processes are given as ``probes/process_scan.py`` reports them (``tests/image/probes`` runs the probe itself): a
calculator worker must be a child of PID 1 running as the image's user, natively and under QEMU, where the kernel
puts the emulator in front of the command line.
"""

from __future__ import annotations

import pytest

from agent.tools.calculator.process import WORKER_MODULE
from scripts.image.checks.processes import check_workers
from scripts.image.failure import CheckFailed

PYTHON = "/usr/local/bin/python"
QEMU = "/usr/bin/qemu-aarch64-static"


def process(pid: int, command: list[str], *, ppid: int = 1, uids: tuple[str, ...] = ("1000",) * 4) -> dict:
    return {"pid": pid, "ppid": ppid, "uids": list(uids), "cmdline": command, "environ": []}


AGENT = process(1, [PYTHON, "-m", "agent"], ppid=0)
WORKER = process(7, [PYTHON, "-m", WORKER_MODULE, "1"])


@pytest.mark.parametrize(
    "worker",
    [WORKER, process(7, [QEMU, PYTHON, PYTHON, "-m", WORKER_MODULE, "1"])],
    ids=["native", "under QEMU"],
)
def test_check_workers__returns_the_workers_that_are_children_of_pid_1_running_as_the_images_user(worker):
    assert check_workers([AGENT, worker]) == [worker]


@pytest.mark.parametrize(
    ("processes", "refusal"),
    [
        ([AGENT], "no calculator worker"),
        ([AGENT, process(7, WORKER["cmdline"], uids=("1000", "0", "1000", "1000"))], "processes running as root"),
        ([AGENT, process(7, WORKER["cmdline"], ppid=42)], "not children of PID 1"),
        ([AGENT, process(7, WORKER["cmdline"], uids=("1001",) * 4)], "running as uid 1000"),
    ],
    ids=["no worker", "a worker as root", "a worker of another parent", "a worker as another user"],
)
def test_check_workers__refuses(processes, refusal):
    with pytest.raises(CheckFailed, match=refusal):
        check_workers(processes)
