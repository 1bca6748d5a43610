"""The smoke program of ``make check-image``: the production app built, then a served agent that really runs its tools.

Run in the lock's venv under ``opentelemetry-instrument``, with the repository on ``PYTHONPATH``
(``scripts.image.lock.function`` runs it). It builds the production app (the Bedrock model is constructed; no call is
made), loads every OpenTelemetry plug-in (exporters, propagators, samplers, detectors) and ADOT's AWS exporters, so a
setting that selects any of them cannot hit a missing module, then serves the app with a scripted model, checks
``/ping``, and has the agent really call ``calculator`` (in its worker process) and ``get_time``; then serves it
signing users in, and has it verify an RS256 bearer token (and refuse an HS256 one) with the lock's PyJWT and
cryptography. It prints its findings as one JSON object, or exits with ``smoke: <what went wrong>``.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
import urllib.error
import urllib.request
from datetime import datetime
from importlib.metadata import distributions, entry_points
from pathlib import Path
from typing import Any

import jwt

from agent.server import create_app
from agent.settings import AgentSettings, AuthSettings
from fakes.live_server import serve
from fakes.oidc_provider import OidcProvider
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


def bearer_statuses() -> dict[str, int]:
    """What the agent, signing users in, answers a valid RS256 token and a forged HS256 one."""
    provider = OidcProvider()
    user = provider.add_user("smoke")
    with serve(provider.app) as provider.url:
        settings = AgentSettings(auth=AuthSettings(provider.discovery_url, ("smoke-client",)))
        with serve(create_app(model=ScriptedModel([["hello"]], repeat=True), settings=settings)) as url:
            token = provider.access_token(user, "smoke-client")
            forged = jwt.encode({"sub": "x"}, "a-secret-of-at-least-32-bytes-long", algorithm="HS256")
            return {name: invoke_with(url, value) for name, value in (("RS256", token), ("HS256", forged))}


def invoke_with(url: str, token: str) -> int:
    """The status ``POST /invocations`` answers with ``token`` as its bearer token."""
    request = urllib.request.Request(  # noqa: S310 (local server)
        f"{url}/invocations",
        data=b'{"prompt": "hello"}',
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local server)
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


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
    statuses = bearer_statuses()
    require(statuses == {"RS256": 200, "HS256": 401}, f"bearer tokens answered {statuses}")
    facts = {
        "python": sys.version.split()[0],
        "ping": ping["status"],
        "calculator": calculator,
        "get_time": clock,
        "plugins": plugins,
        "adot_exporters": adot,
        "bearer": ", ".join(f"{name} {status}" for name, status in statuses.items()),
    }
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
