"""Which modules the agent and its calculator workers load without bytecode, inside the image, as its user.

The image runs as uid 1000 with ``PYTHONDONTWRITEBYTECODE``, so no process can cache bytecode: a module whose bytecode
was not written at build time (``python -m agent.server --prepare``) is compiled again at every start of every process
that imports it. This probe loads the server as ``python -m agent`` does and notes the modules of its own process that
have no bytecode; then it serves a scripted model whose first answer calls the calculator, so a worker process starts,
imports what calculations need and computes 17 * 23, and it notes what the first request added.

The workers are processes of their own. They inherit ``PYTHONVERBOSE``, set here before the first starts, so Python
reports on their stderr where the code of each module they import comes from (``# code object from '<file>.pyc'``
for bytecode, ``# code object from <file>.py`` for source compiled there and then), and their stderr, inherited too,
goes to a file read here.

``scripts.image.checks.bytecode`` runs it under ``opentelemetry-instrument`` with ``fakes/`` mounted beside ``agent/``
(its modules are not the image's, and are left out). Prints one JSON object: ``at_start`` and ``after_request`` (this
process's modules without bytecode), ``loaded`` (this process's modules), ``calculator`` (the calculator's result
event), ``worker_compiled`` (source files a worker compiled) and ``worker_from_bytecode`` (how many modules the
workers loaded from bytecode).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import re
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from agent.http.serving import load_server
from agent.server import create_app
from agent.settings import AgentSettings
from fakes.live_server import serve
from fakes.scripted_server import scripted
from fakes.sse import sse_values

CODE_FROM = re.compile(r"# code object from (?P<where>.+)")
"""Python's verbose report of where a module's code came from: a quoted ``.pyc`` path, or the bare source path."""
MOUNTED = ("fakes", "__main__", "__mp_main__")
"""Modules not in the image: the stand-ins, mounted for the scripted model, and this probe (``__main__``, which
multiprocessing also registers as ``__mp_main__``)."""


def uncompiled() -> list[str]:
    """The modules of this process loaded from a source file that has no bytecode beside it."""
    missing = []
    for name, module in list(sys.modules.items()):
        if getattr(module, "__loader__", None) is importlib.machinery.FrozenImporter:
            continue  # frozen into the interpreter: no bytecode file involved
        source = getattr(module, "__file__", None) or ""
        if not source.endswith(".py") or name.split(".")[0] in MOUNTED:
            continue
        if not os.path.exists(importlib.util.cache_from_source(source)):
            missing.append(name)
    return sorted(missing)


@contextmanager
def workers_reporting(into: Path) -> Iterator[None]:
    """Within the block, processes started from here report their imports, on a stderr that goes to ``into``."""
    os.environ["PYTHONVERBOSE"] = "1"
    saved = os.dup(2)
    with into.open("wb") as sink:
        os.dup2(sink.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        del os.environ["PYTHONVERBOSE"]


def code_origins(verbose: str) -> tuple[list[str], list[str]]:
    """Read Python's verbose report of imports.

    Returns:
        The source files compiled because they had no bytecode, and the bytecode files modules were loaded from.
    """
    origins = [found.group("where") for found in map(CODE_FROM.fullmatch, verbose.splitlines()) if found]
    compiled = sorted({where for where in origins if not where.startswith("'")})
    return compiled, sorted({where.strip("'") for where in origins if where.startswith("'")})


def first_request() -> dict[str, Any]:
    """Serve the demo script and ask it once: ``/ping`` starts a worker, the answer's calculator call uses it.

    Returns:
        The calculator's result event: its worker's report is whole only once the worker has answered.
    """
    with serve(create_app(model=scripted("demo"))) as url:
        urllib.request.urlopen(url + "/ping").read()  # noqa: S310 (local server)
        request = urllib.request.Request(  # noqa: S310 (local server)
            url + "/invocations",
            data=json.dumps({"prompt": "17*23?", "stream": "events"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:  # noqa: S310 (local server)
            events = list(sse_values(response.read().decode().splitlines()))
    return next((event for event in events if event.get("type") == "tool_result"), {})


def main() -> None:
    """Load, note, serve one request, note again, and print the findings."""
    settings = AgentSettings.from_env()
    load_server(create_app(settings=settings), settings)
    at_start = uncompiled()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "workers.txt"
        with workers_reporting(report):
            calculator = first_request()
        compiled, from_bytecode = code_origins(report.read_text(errors="replace"))
    findings = {
        "at_start": at_start,
        "after_request": uncompiled(),
        "loaded": len(sys.modules),
        "calculator": calculator,
        "worker_compiled": compiled,
        "worker_from_bytecode": len(from_bytecode),
    }
    print(json.dumps(findings))


if __name__ == "__main__":
    main()
