"""Servers the benchmarks start in their own process, so the client's work never shares their GIL.

``floor``: the least any Starlette SSE server can do, a ``StreamingResponse`` of pre-encoded lines.
``agent``: ``agent.server.create_app`` with a model that answers instantly with the same text.
``clock``: the agent with a model that paces deltas and writes its own emission time into each one.
``dataplane``: the offline stand-in for AgentCore's data plane (``fakes/dataplane.py``), relaying to
``--agent-url``, so real boto3 can be measured end to end.
``memoryplane``: the offline stand-in for AgentCore Memory's data plane (``fakes/memory_plane.py``), each
call taking 30 to 80 ms like a call to the service.
``memory-agent``: ``agent`` with ``MEMORY_ID`` set, its memory calls going to ``AWS_ENDPOINT_URL_BEDROCK_AGENTCORE``.
``calculator``: the agent with a model that calls the calculator (17 * 23) at once, then answers "391".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import AsyncGenerator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from agent.server import create_app
from agent.settings import AgentSettings
from fakes.dataplane import DataPlane
from fakes.memory_plane import MEMORY_ID, MemoryPlane
from fakes.scripted_model import ScriptedModel, Step, ToolCall

MEMORY_LATENCY = (0.03, 0.08)
"""Seconds each call to the memory stand-in takes: a call to a service in the same Region, TLS included."""


def tokens(count: int) -> list[str]:
    """The text every server streams: ``count`` short deltas."""
    return [f"tok{i} " for i in range(count)]


def floor_app(count: int) -> Starlette:
    """A bare SSE endpoint streaming pre-encoded events: the baseline every overhead is measured against."""
    lines = [f"data: {json.dumps(token)}\n\n".encode() for token in tokens(count)]

    async def invocations(request: Request) -> Response:
        await request.json()

        async def body() -> AsyncGenerator[bytes, None]:
            for line in lines:
                yield line

        return StreamingResponse(body(), media_type="text/event-stream")

    return Starlette(routes=[Route("/invocations", invocations, methods=["POST"]), Route("/ping", _healthy)])


async def _healthy(request: Request) -> Response:
    """The health check every benchmark server answers before it is measured."""
    return Response('{"status":"Healthy"}', media_type="application/json")


class ClockModel(ScriptedModel):
    """Streams ``count`` deltas ``delay`` seconds apart, each carrying the ``perf_counter`` time it was emitted."""

    def __init__(self, count: int, delay: float) -> None:
        super().__init__(turns=[[]], repeat=True)
        self.count = count
        self.pace = delay

    async def stream(self, messages: Any, tool_specs: Any = None, system_prompt: Any = None, **kwargs: Any):
        """Emit timestamped text deltas at a steady pace."""
        yield {"messageStart": {"role": "assistant"}}
        for _ in range(self.count):
            await asyncio.sleep(self.pace)
            yield {"contentBlockDelta": {"delta": {"text": f"{time.perf_counter():.9f}"}}}
        yield {"contentBlockStop": {}}
        yield {"messageStop": {"stopReason": "end_turn"}}
        yield {"metadata": {"usage": dict(self.usage), "metrics": {"latencyMs": 1}}}


def _calculate_then_answer(messages: Any) -> list[Step]:
    if any("toolResult" in block for block in messages[-1]["content"]):
        return ["391"]
    return [ToolCall("calculator", {"expression": "17 * 23"}, tool_use_id=f"tooluse_{len(messages)}")]


def build(kind: str, count: int, delay: float, agent_url: str | None = None) -> Any:
    """The ASGI app of the given kind."""
    if kind == "dataplane":
        if agent_url is None:
            raise SystemExit("dataplane needs --agent-url")
        return Starlette(routes=[*DataPlane(agent_url).app.routes, Route("/ping", _healthy)])
    if kind == "memoryplane":
        return Starlette(routes=[*MemoryPlane(latency=MEMORY_LATENCY).app.routes, Route("/ping", _healthy)])
    if kind == "memory-agent":
        return create_app(
            model=ScriptedModel([tokens(count)], repeat=True), settings=AgentSettings(memory_id=MEMORY_ID)
        )
    if kind == "floor":
        return floor_app(count)
    if kind == "agent":
        return create_app(model=ScriptedModel([tokens(count)], repeat=True), settings=AgentSettings())
    if kind == "clock":
        return create_app(model=ClockModel(count, delay), settings=AgentSettings())
    if kind == "calculator":
        return create_app(model=ScriptedModel([_calculate_then_answer], repeat=True), settings=AgentSettings())
    raise SystemExit(f"unknown server kind {kind!r}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "kind", choices=["floor", "agent", "clock", "dataplane", "memoryplane", "memory-agent", "calculator"]
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--chunks", type=int, default=2000)
    parser.add_argument("--delay", type=float, default=0.02)
    parser.add_argument("--agent-url")
    args = parser.parse_args()
    app = build(args.kind, args.chunks, args.delay, args.agent_url)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
