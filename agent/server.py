"""The container's program: a Strands agent served by ``BedrockAgentCoreApp`` as Server-Sent Events.

``create_app`` is the seam: production passes nothing and gets the Bedrock model from the environment; tests
and benchmarks pass a scripted ``Model`` and get the same server, event loop and tools.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

from bedrock_agentcore.runtime import BedrockAgentCoreApp, RequestContext
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strands import Agent
from strands.middleware import ExecuteToolStage
from strands.models import Model

from agent.auth.user import verified_user
from agent.conversation.keys import ConversationKey
from agent.conversation.memory_conversations import RestoreFailed, conversations_for, result_of
from agent.conversation.sessions import SessionBusy, SessionStore
from agent.http.caller import actor_id, session_id
from agent.http.errors import answer_framework_errors_as_json
from agent.http.payload import BadRequest, parse_invocation
from agent.http.request_guard import RequestGuard
from agent.observability import log_format
from agent.observability.invocation_log import InvocationLog
from agent.observability.metrics import EmbeddedMetrics
from agent.observability.recorder import ToolTimings, recorder_of
from agent.settings import AgentSettings, ConfigurationError
from agent.streaming.turn import Afterwards, TurnEnd, TurnResponse
from agent.tools import registry
from agent.tools.calculator.pool import POOL
from agent.tools.calculator.tool import Calculator
from agent.tools.prompt import DEFAULT_SYSTEM_PROMPT
from agent.tools.time_limit import tool_timeout
from agent.warmup import warm_up
from contract.agentcore import PORT
from contract.deployment import WARMUP_PATH

logger = logging.getLogger(__name__)


def bedrock_model(settings: AgentSettings) -> Model:
    """The production model: Amazon Bedrock through the configured model id or inference profile.

    Its stream to Bedrock is closed when the turn ends, a hang-up included (``agent.streaming.bedrock``).
    """
    from agent.streaming.bedrock import ClosingBedrockModel  # only production needs it

    return ClosingBedrockModel(model_id=settings.model_id, region_name=settings.region)


def create_app(model: Model | None = None, *, settings: AgentSettings | None = None) -> BedrockAgentCoreApp:
    """Build the AgentCore app: the one place where the agent's parts are put together.

    Args:
        model: the model every conversation calls; None is Amazon Bedrock's, as the settings name it (tests and
            benchmarks pass a scripted one and get the same server, event loop and tools).
        settings: the agent's settings; None reads them from the environment.

    Raises:
        ConfigurationError: a setting is unusable (the message names the variable).
    """
    settings = settings or AgentSettings.from_env()
    model = model or bedrock_model(settings)
    tools = registry.build_tools(settings)  # cheap: the calculator's worker starts after the first /ping
    time_limit = tool_timeout(settings.tool_timeout_seconds)

    def new_agent() -> Agent:
        agent = Agent(
            model=model,
            tools=tools,
            system_prompt=settings.system_prompt or DEFAULT_SYSTEM_PROMPT,
            callback_handler=None,
            hooks=[ToolTimings()],
        )
        agent.add_middleware(ExecuteToolStage, time_limit)
        return agent

    sessions: SessionStore[Agent] = SessionStore(new_agent, settings.max_sessions)
    conversations = conversations_for(settings.memory_id, settings.region)
    guard = Middleware(RequestGuard, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout_seconds)
    metrics = EmbeddedMetrics(settings.metrics_namespace, settings.runtime_name)
    app = BedrockAgentCoreApp(middleware=[Middleware(InvocationLog, metrics=metrics), *_sign_in(settings), guard])
    answer_framework_errors_as_json(app)

    async def warmup(_request: Request) -> JSONResponse:
        # AgentCore's warm-up hook on platform V2: only AgentCore reaches this path (agent/warmup.py).
        return JSONResponse(await warm_up(model))

    app.add_route(WARMUP_PATH, warmup, methods=["POST"])

    @app.ping
    def ping() -> None:
        registry.start_warm_up()  # after the first healthy answer, never before it; then again after a worker died
        return None  # no opinion: the SDK reports Healthy, or HealthyBusy while work is in flight

    @app.entrypoint
    async def invoke(payload: object, context: RequestContext) -> Response:
        try:
            invocation = parse_invocation(payload, settings.max_prompt_chars)
            user = verified_user(context.request)
            actor = user.reference if user else actor_id(context.request_headers)
            session = session_id(context.session_id)
        except BadRequest as error:
            logger.info("status=<%d>, reason=<%s> | invocation rejected", error.status, error.message)
            return JSONResponse(error.body(), status_code=error.status)
        recorder = recorder_of(context.request)
        recorder.stream = invocation.stream
        logger.info(
            "session=<%s>, stream=<%s>, prompt_chars=<%d> | invocation received",
            session,
            invocation.stream,
            len(invocation.prompt),
        )
        logger.debug("prompt=<%s> | invocation prompt", invocation.prompt)
        if session is None:
            agent, release = new_agent(), _nothing
        else:
            key = ConversationKey(actor, session)  # one actor never continues another's conversation
            try:
                agent = sessions.acquire(key)
            except SessionBusy:
                return JSONResponse(
                    {
                        "error": f"session {session} is still answering a previous request",
                        "hint": "wait for that stream to finish, or use another session id for a separate conversation",
                    },
                    status_code=409,
                )
            try:
                await conversations.restore(key, agent)
            except RestoreFailed as error:
                sessions.release(key)
                return JSONResponse(
                    {
                        "error": f"the conversation of session {session} could not be read from AgentCore Memory "
                        f"({error}); nothing was answered, so that it is not answered without its history",
                        "hint": "send the request again in a moment",
                    },
                    status_code=503,
                )

            def release(_end: TurnEnd) -> Afterwards | None:
                # After the turn settled: what is saved is the conversation as the session keeps it. Queued, and the
                # session released before anyone waits for the write: its next turn may start at once.
                write = conversations.save_turn(key, agent)
                sessions.release(key)
                if write is None:
                    return None

                async def record_write() -> None:
                    outcome = await result_of(write, settings.memory_record_wait_seconds)
                    recorder.memory_written(outcome.result, outcome.error)

                return record_write

        return TurnResponse(agent, invocation.prompt, invocation.stream, on_end=release, recorder=recorder)

    return app


def _sign_in(settings: AgentSettings) -> list[Middleware]:
    """The bearer-token check, when the deployment signs users in; nothing otherwise (AgentCore's SigV4 admits)."""
    if settings.auth is None:
        return []
    # Imported here: what verifies a token (PyJWT, cryptography, httpx) would otherwise add to every cold start of a
    # deployment that never sees one.
    from agent.auth.guard import BearerAuth
    from agent.auth.tokens import TokenVerifier

    return [Middleware(BearerAuth, verifier=TokenVerifier(settings.auth))]


def _nothing(end: TurnEnd) -> None:
    """No session, nothing to release, and no memory to write to."""


def main(argv: list[str] | None = None, *, model: Model | None = None) -> None:
    """Serve the agent on ``0.0.0.0:8080``, where AgentCore sends traffic, until SIGTERM.

    Args:
        argv: the command line (``--host``, ``--port``, ``--prepare``); None reads ``sys.argv``.
        model: the model to serve; None is Bedrock's (``fakes/scripted_server.py`` passes a scripted one).

    Raises:
        SystemExit: with one line naming the setting to fix when a setting is unusable.
    """
    parser = argparse.ArgumentParser(
        prog="python -m agent",
        description="Serve the streaming agent: POST /invocations answers as Server-Sent Events, GET /ping for health. "
        "Settings come from the environment (MODEL_ID, BEDROCK_REGION or AWS_REGION, SYSTEM_PROMPT, ...; see README).",
    )
    parser.add_argument("--host", default="0.0.0.0", help="address to bind (default: 0.0.0.0)")  # noqa: S104
    parser.add_argument("--port", type=int, default=PORT, help=f"port to bind (default: {PORT})")
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="import everything serving imports, and run one calculation in a calculator worker process, which imports "
        "what calculations need, then exit without serving (the Dockerfile runs it so that the bytecode of exactly "
        "those modules is written once, at build time)",
    )
    args = parser.parse_args(argv)
    from agent.http.serving import load_server, serve_until_signalled  # only the command line needs uvicorn

    log_format.configure(os.environ.get("LOG_LEVEL", "INFO"))
    try:
        settings = AgentSettings.from_env()
        app = create_app(model, settings=settings)
    except ConfigurationError as error:
        # ``python -m agent`` started a worker before the settings were read: stopped now, it cannot print after the
        # one line that names the setting to fix.
        POOL.stop_all()
        raise SystemExit(f"agent: {error}") from None
    if args.prepare:
        load_server(app, settings)
        asyncio.run(_calculate_once(settings))  # the calculator's worker imports, and so prepares, what it needs
        POOL.stop_all()
        os._exit(0)  # no telemetry to flush, and no exporter may hold the build
    serve_until_signalled(app, args.host, args.port, settings, on_stop=POOL.stop_all)  # exits: SIGTERM ends streams


async def _calculate_once(settings: AgentSettings) -> None:
    use = {"toolUseId": "prepare", "name": "calculator", "input": {"expression": "2 + 3 * 4"}}
    async for event in Calculator(settings).stream(use, {}):
        if event.tool_result["status"] != "success":
            raise SystemExit(f"agent: the calculator failed while preparing: {event.tool_result['content']}")


if __name__ == "__main__":
    main()
