"""``make image-test``: build the real ``Dockerfile`` and check the container the way AgentCore runs it.

1. **engine** (``scripts.image.engine.daemon``): reuse a running Docker engine, else install Debian's ``docker.io``
   (plus ``qemu-user-static`` and ``binfmt-support`` for linux/arm64, ``mmdebstrap`` for the base) and start
   ``dockerd`` with no bridge network and no firewall changes; an engine started here is stopped at the end, its images
   and build cache stay on disk.
2. **base** (``scripts.image.engine.standin``): no container registry is reachable, so ``standin_base.sh`` builds a
   stand-in for the ``FROM`` image from Debian trixie packages, once per architecture and recipe (an image labelled
   with the recipe's hash is reused).
3. **build** (``scripts.image.engine.build``): the stand-in is tagged with the Dockerfile's ``FROM`` name and the
   unmodified ``Dockerfile`` is built for linux/amd64 (native, the fast variant) and linux/arm64 (emulated by QEMU
   here, AgentCore's platform), with ``--build-arg BASE_IMAGE=<the FROM name without its digest>``: a local build
   cannot carry the official digest.
4. **checks** (``scripts.image.checks``), on each image: ``pip list`` is exactly the lock; no tests, no compilers, a
   real home directory, only the kept AWS models; the added layers at most ``LAYERS_GOAL_MB``; bytecode for every
   module the agent imports to start and every module its calculator workers import; ``/ping`` healthy; every process
   non-root; PID 1 is the agent as ``opentelemetry-instrument`` starts it, with a calculator worker warm beside it as
   uid 1000; ``POST /invocations`` streams ``text/event-stream`` and, without AWS credentials, ends in the JSON error
   event while the server keeps serving; bad JSON gets a 4xx; a scripted model mounted from ``fakes/`` (never baked
   in) streams through the real calculator, in its worker, and get_time tools; SIGTERM during a stream ends it with
   the error event and stops the container, its worker with it, with exit code 0 within 2 s (emulated arm64 gets
   Docker's 10 s grace, and the time is reported; its tool calls get 300 s, as a worker's emulated start is slow).
   The programs the checks run inside containers are files of ``scripts/image/probes``, mounted read-only.
5. **figures** (``scripts.image.checks.start_time``): image and layer sizes, and start-to-healthy ``/ping`` against a
   bare ``python -c pass`` in the same image, written to ``build/image-test.json`` for ``make bench``
   (docs/performance.md).

Containers use the host's network namespace (nothing else is reachable, and no bridge is created), so the agent's
own port 8080 must be free. Every container, and the engine if this run started it, is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.built_image import FIGURES, context_hash
from bench.provenance import commit
from contract.agentcore import PORT
from scripts.image.checks.bytecode import check_bytecode
from scripts.image.checks.containers import BuiltImage
from scripts.image.checks.contents import check_contents
from scripts.image.checks.scripted import check_scripted_container
from scripts.image.checks.serving import check_default_container
from scripts.image.checks.start_time import start_figures
from scripts.image.engine.build import build, from_name
from scripts.image.engine.daemon import engine
from scripts.image.engine.standin import standin
from scripts.image.failure import CheckFailed
from scripts.image.paths import ROOT
from scripts.image.progress import log

ARCHITECTURES = ["amd64", "arm64"]
NATIVE = {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, "")
NATIVE_RUNS = 5
"""Start-time runs of a native image; an emulated one starts once (it says more about QEMU than about the image)."""


def main(argv: list[str] | None = None) -> int:
    """Engine, base, build, checks and figures for each architecture.

    Args:
        argv: the command line (``--arch``, repeatable); None reads ``sys.argv``.

    Returns:
        0 with the figures written; 1, with the reason on stderr, on the first failure.
    """
    parser = argparse.ArgumentParser(prog="python -m scripts.image.image_test", description=__doc__.splitlines()[0])
    parser.add_argument("--arch", choices=ARCHITECTURES, action="append", help="default: amd64 then arm64")
    args = parser.parse_args(argv)
    started = time.monotonic()
    results: dict[str, Any] = {"from": None, "architectures": {}, "context_hash": context_hash()}
    try:
        if os.geteuid() != 0:
            raise CheckFailed("run as root: it installs Debian packages and starts dockerd when none is running")
        if not port_free():
            raise CheckFailed(f"port {PORT} is in use on this machine; the containers run on the host network")
        results["from"] = from_name()
        with tempfile.TemporaryDirectory(prefix="image-test-") as tmp, engine(Path(tmp)):
            for arch in args.arch or ARCHITECTURES:
                results["architectures"][arch] = check_architecture(arch, Path(tmp))
    except (CheckFailed, subprocess.CalledProcessError, subprocess.TimeoutExpired) as failure:
        print(f"image-test: FAILED: {failure}", file=sys.stderr)
        return 1
    results["seconds"] = time.monotonic() - started
    results["commit"] = commit()
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    log(f"OK in {results['seconds']:.0f} s; figures in {FIGURES.relative_to(ROOT)}")
    return 0


def check_architecture(arch: str, work: Path) -> dict[str, Any]:
    """Base, build, every check and the start figures for one architecture; returns its figures."""
    base = standin(arch, work)
    image = BuiltImage(build(arch, base), arch, emulated=arch != NATIVE)
    facts = {"emulated": image.emulated, **check_contents(image, base)}
    check_bytecode(image)
    facts.update(check_default_container(image))
    facts.update(check_scripted_container(image))
    facts.update(start_figures(image, runs=1 if image.emulated else NATIVE_RUNS))
    return facts


def port_free() -> bool:
    """Whether nothing listens on the agent's port on this machine."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", PORT)) != 0


if __name__ == "__main__":
    sys.exit(main())
