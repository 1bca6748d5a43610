"""Every tool call bounded in wall-clock time (``TOOL_TIMEOUT_SECONDS``): past it, the model gets an error result.

A Strands ``ExecuteToolStage`` middleware, so it wraps every tool the agent has, whatever its kind. The call is
cancelled at the deadline: an async tool stops there, and the calculator kills its worker process. A synchronous
tool runs in a thread, which nothing can stop: it is abandoned, not waited for (``agent.http.serving`` does not wait for
it either), and the turn goes on with the error result, as after any other tool error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator

from strands.middleware import ExecuteToolContext, MiddlewareHandler, MiddlewareNext
from strands.types.events import ToolResultEvent, TypedEvent

logger = logging.getLogger(__name__)


def tool_timeout(seconds: float) -> MiddlewareHandler[ExecuteToolContext, TypedEvent]:
    """A Wrap handler for ``ExecuteToolStage`` that ends any tool call still running after ``seconds``."""

    async def handler(
        context: ExecuteToolContext, next_fn: MiddlewareNext[ExecuteToolContext, TypedEvent]
    ) -> AsyncGenerator[TypedEvent, None]:
        deadline = asyncio.get_running_loop().time() + seconds
        events = next_fn(context)
        try:
            while True:
                # Only the wait for the next event is under the deadline, never a yield: the timeout must cancel
                # the tool, not whatever the consumer of this generator is awaiting.
                try:
                    async with asyncio.timeout_at(deadline) as scope:
                        event = await anext(events)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    if not scope.expired():
                        raise  # the tool's own TimeoutError, not this deadline
                    name = context.tool_use.get("name", "?")
                    logger.warning("tool=<%s>, seconds=<%g> | tool call timed out", name, seconds)
                    yield ToolResultEvent(
                        {
                            "toolUseId": context.tool_use["toolUseId"],
                            "status": "error",
                            "content": [
                                {
                                    "text": f"Error: {name} did not finish within {seconds:g} s, so the agent stopped "
                                    "waiting for it; its result is unknown. Try again later, or answer without it."
                                }
                            ],
                        }
                    )
                    return
                yield event
        finally:
            await events.aclose()

    return handler
