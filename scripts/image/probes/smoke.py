"""The smoke program of ``make check-image``: the production app built, then a served agent that really runs its tools.

Run in the lock's venv under ``opentelemetry-instrument``, with the repository on ``PYTHONPATH``
(``scripts.image.lock.function`` runs it). It builds the production app (the Bedrock model is constructed; no call is
made), loads every OpenTelemetry plug-in (exporters, propagators, samplers, detectors) and ADOT's AWS exporters, so a
setting that selects any of them cannot hit a missing module, then serves the app with a scripted model, checks
``/ping``, and has the agent really call ``calculator`` (in its worker process) and ``get_time``. It prints its
findings as one JSON object, or exits with ``smoke: <what went wrong>``.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
import urllib.request
from datetime import datetime
from importlib.metadata import distributions, entry_points
from pathlib import Path
from typing import Any

from agent.server import create_app
from fakes.live_server import serve
from fakes.scripted_model import ScriptedModel, ToolCall
from fakes.sse import sse_values

SELF_LOADED_GROUPS = {"opentelemetry_instrumentor", "opentelemetry_pre_instrument", "opentelemetry_post_instrument"}
"""Plug-in groups that ``opentelemetry-instrument`` loads itself, reporting failures on stderr."""


def require(condition: object, message: str) -> None:
    """Stop the program with ``message`` unless ``condition`` holds."""
    if not condition:
        raise SystemExit(f"smoke: {message}")


def load_plugins() -> int:
    """Load every OpenTelemetry plug-in the venv declares; returns how many."""
    plugins = 0
    groups = {ep.group for dist in distributions() for ep in dist.entry_points if ep.group.startswith("opentelemetry_")}
    for group in sorted(groups - SELF_LOADED_GROUPS):
        for entry_point in entry_points(group=group):
            entry_point.load()
            plugins += 1
    return plugins


def load_adot_exporters() -> int:
    """Import every module of ADOT's exporters for AgentCore (SigV4 OTLP to X-Ray and CloudWatch Logs, EMF)."""
    import amazon.opentelemetry.distro.exporter as adot_exporters

    adot = 0  # some of its directories lack __init__.py: walk the files
    for package_dir in adot_exporters.__path__:
        for path in sorted(Path(package_dir).rglob("*.py")):
            parts = path.relative_to(package_dir).with_suffix("").parts
            importlib.import_module(".".join((adot_exporters.__name__, *parts)).removesuffix(".__init__"))
            adot += 1
    return adot


def converse() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Serve the agent with a model that calls both tools; returns ``/ping``'s answer and the events streamed."""
    script = ScriptedModel(
        [
            [ToolCall("calculator", {"expression": "2 + 3 * 4"}, tool_use_id="tooluse_calc")],
            [ToolCall("get_time", {"timezone": "Asia/Tokyo"}, tool_use_id="tooluse_time")],
            ["all done"],
        ]
    )
    with serve(create_app(model=script)) as url:
        with urllib.request.urlopen(f"{url}/ping", timeout=10) as response:  # noqa: S310 (local server)
            ping = json.load(response)
        require(ping.get("status") == "Healthy", f"/ping answered {ping}")
        request = urllib.request.Request(  # noqa: S310 (local server)
            f"{url}/invocations",
            data=json.dumps({"prompt": "what is 2 + 3 * 4, and the time in Tokyo?", "stream": "events"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (local server)
            require(response.status == 200, f"/invocations answered {response.status}")
            events = list(sse_values(response.read().decode().split("\n")))
    return ping, events


def text_of(result: dict[str, Any]) -> str:
    """A successful tool result's text."""
    require(result["status"] == "success", f"tool failed: {result}")
    return " ".join(part.get("text", json.dumps(part.get("json"))) for part in result["content"])


def main() -> None:
    """Build, load, converse, judge what the tools answered, and print the findings."""
    create_app()  # the production path: BedrockModel from the environment, built without a network call
    plugins = load_plugins()
    adot = load_adot_exporters()
    ping, events = converse()

    errors = [event for event in events if isinstance(event, dict) and event.get("type") == "stream_error"]
    require(not errors, f"the stream failed: {errors}")
    results = {event["id"]: event for event in events if event.get("type") == "tool_result"}
    require(set(results) == {"tooluse_calc", "tooluse_time"}, f"expected two tool results, got {events}")
    calculator = text_of(results["tooluse_calc"])
    require("14" in calculator, f"calculator answered {calculator!r}")
    clock = text_of(results["tooluse_time"])
    stamp = re.match(r"(\S+) \(Asia/Tokyo, \w+day\)", clock)
    require(stamp, f"get_time answered {clock!r}")
    offset = datetime.fromisoformat(stamp.group(1)).utcoffset()
    require(offset is not None and offset.total_seconds() == 9 * 3600, f"get_time gave offset {offset}")
    require(any(event.get("type") == "done" for event in events), f"no done event in {events}")
    require("all done" in "".join(e.get("text", "") for e in events if e.get("type") == "text"), "final text missing")
    facts = {
        "python": sys.version.split()[0],
        "ping": ping["status"],
        "calculator": calculator,
        "get_time": clock,
        "plugins": plugins,
        "adot_exporters": adot,
    }
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
