"""How long the image takes to serve: ``docker run`` to a healthy ``/ping``, against a bare ``python -c pass``.

Both run in the same image on the same machine, so their ratio says what the agent adds, whatever the machine.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from scripts.image.checks.containers import CONTAINER_PREFIX, BuiltImage, container, run_in_image, wait_for_ping
from scripts.image.progress import log


def start_figures(image: BuiltImage, runs: int) -> dict[str, Any]:
    """Start the image ``runs`` times each way, in turn, nothing mounted.

    Returns:
        The medians ``container_ping_s`` and ``container_bare_s``, their ratio ``container_ping_ratio``, each run's
        ratio ``container_ping_ratio_runs``, and ``runs``: the keys ``bench/built_image.py`` reads.
    """
    pings, bares = [], []
    for run in range(runs):
        name = f"{CONTAINER_PREFIX}{image.arch}-start-{run}"
        started = time.monotonic()
        with container(image.tag, name, probes=False):
            wait_for_ping(name, image.ping_timeout)
            pings.append(time.monotonic() - started)
        started = time.monotonic()
        run_in_image(image.tag, "python", "-c", "pass", probes=False)
        bares.append(time.monotonic() - started)
    ping, bare = statistics.median(pings), statistics.median(bares)
    label = " (emulated by QEMU)" if image.emulated else ""
    log(
        f"{image.arch}{label}: docker run to healthy /ping {ping:.2f} s, to the end of python -c pass {bare:.2f} s;"
        f" ratio {ping / bare:.1f}"
    )
    return {
        "container_ping_s": ping,
        "container_bare_s": bare,
        "container_ping_ratio": ping / bare,
        "container_ping_ratio_runs": [p / b for p, b in zip(pings, bares, strict=True)],
        "runs": runs,
    }
