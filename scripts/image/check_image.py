"""Prove, without a Docker engine, that ``agent/requirements.txt`` builds a working linux/arm64 image.

``make check-image`` (and CI) runs ``python -m scripts.image.check_image``. It proves three things and prints one
summary line for each:

1. **wheels** (``scripts.image.lock.wheels``): every pinned line exists as a wheel for linux/aarch64 and CPython
   3.13, the image's platform (``pip download --no-deps --only-binary=:all:``), so ``pip install --no-deps`` in the
   Dockerfile cannot fall back to a source build or fail.
2. **no loss of function** (``scripts.image.lock.function``): a temporary virtual environment gets exactly the lock
   (``--no-deps``, like the image) and then runs a smoke program under ``opentelemetry-instrument``, as the image's
   ``CMD`` does, twice: once with the exporters off and once with the AWS Distro for OpenTelemetry settings AgentCore
   uses. The smoke program (``probes/smoke.py``) builds the production app (the Bedrock model is constructed; no call
   is made), serves the app with a scripted model, checks ``/ping``, and has the agent really call ``calculator`` and
   ``get_time``. It also loads every OpenTelemetry plug-in (exporters, propagators, samplers, detectors) and ADOT's
   AWS exporters, so a setting that selects any of them cannot hit a missing module. An import hook
   (``probes/import_watch.py``) records every attempt, successful or not, to import a module of a package
   deliberately left out of the lock, in the server's process and in the calculator's worker processes alike; any
   attempt fails the check, because an optional import that silently falls back would change behaviour.
3. **consistency** (``scripts.image.lock.consistency``): ``pip check`` in that environment reports nothing but the
   left-out packages.

Nothing is cached outside temporary directories.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from scripts.image.failure import CheckFailed
from scripts.image.lock.consistency import prove_consistency
from scripts.image.lock.function import prove_function
from scripts.image.lock.pins import IMAGE_PYTHON, pinned
from scripts.image.lock.venv import choose_python, make_venv
from scripts.image.lock.wheels import prove_wheels


def main(argv: list[str] | None = None) -> int:
    """Run the three proofs in order.

    Args:
        argv: the command line (``--python``); None reads ``sys.argv``.

    Returns:
        0 when all three hold; 1, with the reason on stderr, at the first that does not.
    """
    parser = argparse.ArgumentParser(prog="python -m scripts.image.check_image", description=__doc__.splitlines()[0])
    parser.add_argument("--python", help=f"interpreter for the test venv (default: python{IMAGE_PYTHON}, else python3)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        pins = pinned()
        python = choose_python(args.python)
        with tempfile.TemporaryDirectory(prefix="check-image-") as tmp:
            work = Path(tmp)
            print(prove_wheels(pins, work), flush=True)
            venv = make_venv(python, work)
            for line in prove_function(venv, work):
                print(line, flush=True)
            print(prove_consistency(venv), flush=True)
    except CheckFailed as failure:
        print(f"check-image: FAILED: {failure}", file=sys.stderr)
        return 1
    print(f"check-image: OK in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
