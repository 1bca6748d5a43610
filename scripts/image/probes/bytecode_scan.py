"""Which modules the agent loads without bytecode, inside the image, as its user.

The image runs as uid 1000 with ``PYTHONDONTWRITEBYTECODE``, so no process can cache bytecode: a module whose bytecode
was not written at build time (``python -m agent.server --prepare``) is compiled again at every start. This probe
loads the server as ``python -m agent`` does and notes the modules that have no bytecode; then it serves a scripted
model and asks it once, and notes what the first request added.

``scripts.image.checks.bytecode`` runs it under ``opentelemetry-instrument`` with ``fakes/`` mounted beside ``agent/``
(its modules are not the image's, and are left out). Prints one JSON object: ``at_start`` and ``after_request`` (the
modules without bytecode) and ``loaded`` (how many modules were loaded).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import sys
import urllib.request

from agent.http.serving import load_server
from agent.server import create_app
from agent.settings import AgentSettings
from fakes.live_server import serve
from fakes.scripted_server import scripted

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


def first_request() -> None:
    """Serve the demo script and ask it once."""
    with serve(create_app(model=scripted("demo"))) as url:
        urllib.request.urlopen(url + "/ping").read()  # noqa: S310 (local server)
        request = urllib.request.Request(  # noqa: S310 (local server)
            url + "/invocations", data=b'{"prompt": "17*23?"}', headers={"Content-Type": "application/json"}
        )
        urllib.request.urlopen(request).read()  # noqa: S310 (local server)


def main() -> None:
    """Load, note, serve one request, note again, and print the findings."""
    settings = AgentSettings.from_env()
    load_server(create_app(settings=settings), settings)
    at_start = uncompiled()
    first_request()
    print(json.dumps({"at_start": at_start, "after_request": uncompiled(), "loaded": len(sys.modules)}))


if __name__ == "__main__":
    main()
