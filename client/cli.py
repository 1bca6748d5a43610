"""``python -m client`` (also ``agentcore-invoke``): invoke the agent and watch the answer stream.

The answer goes to stdout as it arrives; everything else (stats, session ids, errors) goes to stderr. Every
failure ends with one ``error: ...`` line and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from typing import TextIO

import boto3

from client.arn import EXAMPLE_ARN, RuntimeArn
from client.aws import CALL_READ_TIMEOUT, DEFAULT_READ_TIMEOUT, boto_session, make_client
from client.conversations import recent_conversations
from client.errors import (
    AgentClientError,
    ConfigurationError,
    EndpointUnreachableError,
    InvocationError,
    StreamError,
)
from client.invoke import LocalAgent, Runtime
from client.live_markdown import MarkdownRenderer
from client.logs import DEFAULT_SINCE, LogFilter, current_ms, follow_events, parse_since, read_events
from client.render import Renderer, Stats
from client.session import check_session_id, new_session_id
from client.stack import runtime_arn, stack_name, stack_outputs
from client.status import runtime_status
from client.web import DEFAULT_HOST as WEB_DEFAULT_HOST
from client.web import DEFAULT_PORT as WEB_DEFAULT_PORT
from contract.agentcore import DEFAULT_ACTOR_ID, PORT, actor_id_problem, runtime_log_group
from contract.deployment import CLI_COMMAND, DEFAULT_STACK_NAME, OUTPUT_MEMORY_ID, STACK_NAME_ENV

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_CONFIGURATION = 3
EXIT_UNREACHABLE = 4
EXIT_REFUSED = 5
EXIT_STREAM = 6
EXIT_INTERRUPTED = 130

_EXIT_CODES: list[tuple[type[AgentClientError], int]] = [
    (StreamError, EXIT_STREAM),  # before InvocationError, which it extends
    (InvocationError, EXIT_REFUSED),
    (EndpointUnreachableError, EXIT_UNREACHABLE),
    (ConfigurationError, EXIT_CONFIGURATION),
]
_EXIT_CODE_HELP = (
    "exit codes: 0 success, 1 unexpected error, 2 bad arguments, 3 configuration (ARN, credentials, region, "
    "stack; or the agent's own: it cannot call AWS), 4 endpoint unreachable or timed out, 5 invocation refused or "
    "throttled, 6 the answer began but broke off, 130 interrupted"
)


def exit_code(error: AgentClientError) -> int:
    """The process exit code for a failure."""
    for kind, code in _EXIT_CODES:
        if isinstance(error, kind):
            return code
    return EXIT_UNEXPECTED


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:  # said by the command's own parser, with its usage, not the top-level one
            args.parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        return args.run(args, sys.stdout, sys.stderr)
    except SystemExit as exit_:  # argparse has printed the usage and the problem (or the help)
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    except AgentClientError as error:
        _error(error)
        return exit_code(error)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader (`| head`) has gone; stop quietly
        _silence_stdout()
        return EXIT_OK
    except Exception as error:
        _error(f"unexpected {type(error).__name__}: {error}")
        return EXIT_UNEXPECTED


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per verb."""
    parser = argparse.ArgumentParser(
        prog="python -m client",
        description="Invoke the streaming agent on AgentCore Runtime (or locally) and watch the answer stream.",
        epilog=_EXIT_CODE_HELP,
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="{invoke,chat,sessions,status,logs,web}")

    target = argparse.ArgumentParser(add_help=False)
    where = target.add_argument_group("target (default: the runtime of the deployed stack)")
    choice = where.add_mutually_exclusive_group()
    choice.add_argument("--arn", help=f"runtime ARN, e.g. {EXAMPLE_ARN}")
    choice.add_argument(
        "--url", help=f"a locally running agent instead of AgentCore, e.g. http://localhost:{PORT} (`make local`)"
    )
    where.add_argument(
        "--stack",
        help=f"stack whose RuntimeArn output names the runtime (default: ${STACK_NAME_ENV} or {DEFAULT_STACK_NAME})",
    )
    where.add_argument("--region", help="AWS region (default: the ARN's region, else AWS_REGION or the profile's)")
    where.add_argument("--endpoint-url", help="AgentCore endpoint to call instead of the region's, like the AWS CLI")
    where.add_argument("--profile", help="AWS profile for credentials and region (default: the environment's)")

    # Only where an answer streams: status reads one short reply.
    streaming = argparse.ArgumentParser(add_help=False)
    streaming.add_argument(
        "--read-timeout",
        type=_positive_seconds,
        default=DEFAULT_READ_TIMEOUT,
        metavar="SECONDS",
        help=f"give up when no data arrives for this long (default: {DEFAULT_READ_TIMEOUT:g})",
    )

    output = argparse.ArgumentParser(add_help=False)
    shown = output.add_argument_group("conversation and output")
    shown.add_argument(
        "--session", type=_session_id, metavar="ID", help="continue this conversation (default: a new session)"
    )
    shown.add_argument(
        "--actor", type=_actor_id, metavar="ID", help="whose conversation it is (default: the agent's default actor)"
    )
    shown.add_argument("--events", action="store_true", help="show typed events: tool calls, results, token usage")
    shown.add_argument("--stats", action="store_true", help="print time to first chunk, chunks, time, tokens on stderr")
    shown.add_argument(
        "--raw",
        action="store_true",
        help="print the answer exactly as streamed, also on a terminal (default there: live Markdown; "
        "piped output is always raw)",
    )

    invoke = _command(
        commands,
        "invoke",
        parents=[target, streaming, output],
        help="send one prompt and stream the answer",
        description="Send one prompt and print the answer as it streams: live Markdown on a terminal, the exact text "
        "when piped (or with --raw).",
    )
    invoke.add_argument("prompt", metavar="PROMPT", help="what to ask; '-' reads it from stdin")
    invoke.set_defaults(run=_invoke)

    chat = _command(
        commands,
        "chat",
        parents=[target, streaming, output],
        help="a conversation in one session, one prompt per line of stdin",
        description="Hold a conversation in one session: one prompt per line typed at the terminal (or piped in), "
        "each answer streamed as it comes. An empty line does nothing; /exit or Ctrl-D leaves.",
    )
    chat.set_defaults(run=_chat)

    sessions = _command(
        commands,
        "sessions",
        help="recent conversations kept in the deployment's AgentCore Memory",
        description="List recent conversations of one actor kept in the deployment's AgentCore Memory, newest first, "
        "each with the session id that continues it (chat --session ID).",
    )
    sessions.add_argument(
        "--url",
        action=_Refused,
        reason="sessions lists the conversations kept in the deployment's AgentCore Memory; a local agent keeps "
        "its conversations in its own process, where nothing lists them",
    )
    memory = sessions.add_argument_group("memory (default: the MemoryId output of the deployed stack)")
    memory.add_argument("--memory-id", metavar="ID", help="the AgentCore Memory to list")
    for flag, help_text in (
        (
            "--stack",
            f"stack whose MemoryId output names the memory (default: ${STACK_NAME_ENV} or {DEFAULT_STACK_NAME})",
        ),
        ("--region", "AWS region (default: AWS_REGION or the profile's)"),
        ("--endpoint-url", "AgentCore endpoint to call instead of the region's, like the AWS CLI"),
        ("--profile", "AWS profile for credentials and region (default: the environment's)"),
    ):
        memory.add_argument(flag, help=help_text)
    memory.add_argument(
        "--actor", type=_actor_id, metavar="ID", help=f"whose conversations (default: {DEFAULT_ACTOR_ID})"
    )
    memory.add_argument("--limit", type=_positive_count, default=10, metavar="N", help="how many (default: 10)")
    sessions.set_defaults(run=_sessions)

    status = _command(
        commands,
        "status",
        parents=[target],
        help="is it healthy and what is running: runtime and endpoint status, versions, image, last hour's invocations",
        description="Show whether the runtime is healthy and what it runs: runtime and DEFAULT endpoint status, "
        "versions, image, and the last hour's invocations by outcome. With --url: a local agent's /ping.",
    )
    status.set_defaults(run=_status)

    web = _command(
        commands,
        "web",
        parents=[target, streaming],
        help="a chat page in the browser, relaying to the agent; credentials stay here",
        description="Serve a chat page in the browser that relays each turn to the agent and renders the answer as it "
        "streams. AWS credentials stay in this process; the page only talks to it. Ctrl-C stops it.",
    )
    page = web.add_argument_group("the page")
    page.add_argument(
        "--host", default=WEB_DEFAULT_HOST, help=f"address to serve the page on (default: {WEB_DEFAULT_HOST})"
    )
    page.add_argument(
        "--port", type=int, default=WEB_DEFAULT_PORT, help=f"port to serve the page on (default: {WEB_DEFAULT_PORT})"
    )
    page.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other than loopback: anyone reaching it could send turns signed with your credentials, "
        "so every request must then carry a token, printed in the URL shown at start",
    )
    page.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests addressed to NAME (repeatable); always answered: localhost, 127.0.0.1, ::1, and "
        "with --allow-remote the bound address and this machine's host name",
    )
    web.set_defaults(run=_web)

    logs = _logs_parser(commands)

    parser.set_defaults(parser=parser)
    for sub in (invoke, chat, sessions, status, logs, web):
        sub.set_defaults(parser=sub)
    return parser


def _command(commands: argparse._SubParsersAction, name: str, **kwargs: object) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` says what it does and ends with the exit codes, as every one's does."""
    kwargs.setdefault("epilog", _EXIT_CODE_HELP)
    return commands.add_parser(name, **kwargs)  # type: ignore[arg-type]


class _Refused(argparse.Action):
    """An option a command does not offer but users reach for: refused with the reason, not as an unknown option."""

    def __init__(self, option_strings: list[str], dest: str, *, reason: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs="?", help=argparse.SUPPRESS, **kwargs)  # type: ignore[arg-type]
        self.reason = reason

    def __call__(self, parser: argparse.ArgumentParser, namespace: object, values: object, option: object) -> None:
        parser.error(f"{option} does not apply: {self.reason}")


def _logs_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    logs = _command(
        commands,
        "logs",
        help="the runtime's logs: one line per invocation record, and the agent's own lines",
        description="Show the runtime's CloudWatch logs, oldest first: each invocation record as one line (time UTC, "
        "session, outcome, time to first chunk, tokens, tools), every other line as the agent printed it.",
        epilog=_EXIT_CODE_HELP + "; --follow ends with 0 on Ctrl-C",
    )
    logs.add_argument(
        "--url",
        action=_Refused,
        reason="logs reads the deployed runtime's CloudWatch Logs; a local agent prints its logs in the terminal "
        "running it (make local)",
    )
    where = logs.add_argument_group("runtime (default: the runtime of the deployed stack)")
    where.add_argument("--arn", help=f"runtime ARN, e.g. {EXAMPLE_ARN}")
    where.add_argument(
        "--stack",
        help=f"stack whose RuntimeArn output names the runtime (default: ${STACK_NAME_ENV} or {DEFAULT_STACK_NAME})",
    )
    where.add_argument("--region", help="AWS region (default: the ARN's region, else AWS_REGION or the profile's)")
    where.add_argument("--profile", help="AWS profile for credentials and region (default: the environment's)")
    shown = logs.add_argument_group("what to show")
    shown.add_argument(
        "--since",
        type=_duration,
        default=DEFAULT_SINCE,
        metavar="DURATION",
        help=f"start this long ago: 30s, 10m, 2h, 1d (default: {DEFAULT_SINCE})",
    )
    shown.add_argument("-f", "--follow", action="store_true", help="keep showing new events until Ctrl-C")
    shown.add_argument(
        "--session", type=_session_id, metavar="ID", help="only this conversation: its records and the lines naming it"
    )
    shown.add_argument(
        "--errors", action="store_true", help="only failures: invocations that did not complete, ERROR lines"
    )
    shown.add_argument(
        "--json", action="store_true", help="each event as CloudWatch returns it, one JSON object per line"
    )
    logs.set_defaults(run=_logs)
    return logs


def _invoke(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
    if not prompt.strip():
        args.parser.error("PROMPT is empty")
    agent = _target(args, err)
    session_id = args.session or new_session_id()
    _turn(agent, prompt, session_id, args, out, err, end_line=out.isatty())
    if not args.session and (args.stats or err.isatty()):
        print(f"session: {session_id} (continue with --session {session_id})", file=err)
    return EXIT_OK


def _chat(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    agent = _target(args, err)
    session_id = args.session or new_session_id()
    interactive = sys.stdin.isatty()
    if interactive:
        print(f"session {session_id}; an empty line does nothing, /exit or Ctrl-D leaves", file=err)
    while True:
        prompt = _read_prompt(interactive, out)
        if prompt is None or prompt.strip() in {"/exit", "/quit"}:
            break
        if not prompt.strip():
            continue
        if interactive and not _live_markdown(args, out):
            out.write("agent> ")
            out.flush()
        try:
            _turn(agent, prompt, session_id, args, out, err, end_line=True)
        except InvocationError as error:  # the session survives a refused or broken turn: go on talking
            if not interactive:
                raise
            _error(error)
    return EXIT_OK


def _sessions(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    session = boto_session(args.profile)
    memory_id = args.memory_id or _discover_memory(args, session)
    client = make_client("bedrock-agentcore", region=args.region, endpoint_url=args.endpoint_url, session=session)
    found = recent_conversations(client, memory_id, args.actor or DEFAULT_ACTOR_ID, args.limit)
    if not found:
        print(f"no conversation of actor {args.actor or DEFAULT_ACTOR_ID} in memory {memory_id}", file=err)
    for conversation in found:
        print(conversation.line(), file=out)
    if found and err.isatty():
        print(f"continue one with: {CLI_COMMAND} chat --session {found[0].session_id}", file=err)
    return EXIT_OK


def _discover_memory(args: argparse.Namespace, session: boto3.session.Session) -> str:
    name = stack_name(args.stack)
    outputs = stack_outputs(make_client("cloudformation", region=args.region, session=session), name)
    if OUTPUT_MEMORY_ID not in outputs:
        raise ConfigurationError(
            f"stack {name!r} has no {OUTPUT_MEMORY_ID} output: it was deployed with -c memory=false, so conversations "
            "live only in each session's process; deploy without it, or pass --memory-id"
        )
    return outputs[OUTPUT_MEMORY_ID]


def _status(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.url:
        _refuse_aws_options_with_url(args)
        health = LocalAgent(args.url, read_timeout=CALL_READ_TIMEOUT).ping()
        print(f"{'agent':<9} {args.url}\n{'status':<9} {health.get('status', '?')}", file=out)
        return EXIT_OK
    session, arn = _aws_target(args, err)
    status = runtime_status(arn, region=args.region, endpoint_url=args.endpoint_url, session=session)
    print("\n".join(status.lines()), file=out)
    return EXIT_OK


def _logs(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    session, arn = _aws_target(args, err)
    runtime = RuntimeArn.parse(arn)
    client = make_client("logs", region=args.region or runtime.region, session=session)
    group = runtime_log_group(runtime.runtime_id)
    selection = LogFilter(session_id=args.session, errors_only=args.errors)
    start_ms = current_ms() - int(args.since.total_seconds() * 1000)
    if not args.follow:
        for event in read_events(client, group, start_ms=start_ms, selection=selection):
            print(event.as_json() if args.json else event.line(), file=out)
        return EXIT_OK
    try:
        for event in follow_events(
            client, group, start_ms=start_ms, selection=selection, notice=lambda text: print(f"note: {text}", file=err)
        ):
            print(event.as_json() if args.json else event.line(), file=out, flush=True)
    except KeyboardInterrupt:  # Ctrl-C is how following ends, not a failure
        pass
    return EXIT_OK


def _turn(
    agent: Runtime | LocalAgent,
    prompt: str,
    session_id: str,
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    *,
    end_line: bool,
) -> None:
    """One prompt, one streamed answer, rendered as it arrives."""
    live = _live_markdown(args, out)
    renderer = MarkdownRenderer(out, events=args.events) if live else Renderer(out, events=args.events)
    stats = Stats()
    # Token usage travels in the final typed event, so --stats asks for events and shows only their text.
    stream = agent.invoke(prompt, session_id=session_id, stream="events" if args.events or args.stats else "text")
    try:
        with stream:
            for value in stream:
                stats.observe(value)
                renderer.write(value)
        stats.finish()
    finally:
        if end_line:
            renderer.end_line()
    if args.stats:
        print(stats.line(), file=err)


def _web(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        from client.web.server import check_bind, serve  # starlette and uvicorn: only this command needs them
    except ImportError as error:
        raise ConfigurationError(f"`web` needs {error.name}, which is not installed: run `make install`") from None
    check_bind(args.host, args.port, allow_remote=args.allow_remote)  # before looking for the runtime
    agent = _target(args, err)
    serve(agent, host=args.host, port=args.port, err=err, allow_remote=args.allow_remote, allow_hosts=args.allow_host)
    return EXIT_OK


def _live_markdown(args: argparse.Namespace, out: TextIO) -> bool:
    """Render Markdown live for a person at a terminal; scripts reading a pipe (or ``--raw``) get the exact text."""
    return out.isatty() and not args.raw


def _target(args: argparse.Namespace, err: TextIO) -> Runtime | LocalAgent:
    if args.url:
        _refuse_aws_options_with_url(args)
        return LocalAgent(args.url, read_timeout=args.read_timeout, actor_id=getattr(args, "actor", None))
    session, arn = _aws_target(args, err)
    return Runtime(
        arn,
        region=args.region,
        endpoint_url=args.endpoint_url,
        read_timeout=args.read_timeout,
        session=session,
        actor_id=getattr(args, "actor", None),  # `web` names no actor
    )


def _aws_target(args: argparse.Namespace, err: TextIO) -> tuple[boto3.session.Session, str]:
    """The boto3 session for ``--profile`` and the runtime ARN: ``--arn``, else the deployed stack's output."""
    session = boto_session(args.profile)
    return session, args.arn or _discover_arn(args, session, err)


def _refuse_aws_options_with_url(args: argparse.Namespace) -> None:
    given = [
        flag
        for flag, value in (
            ("--region", args.region),
            ("--endpoint-url", args.endpoint_url),
            ("--profile", args.profile),
            ("--stack", args.stack),
        )
        if value
    ]
    if given:
        args.parser.error(f"{', '.join(given)} apply to AgentCore, not to --url")


def _discover_arn(args: argparse.Namespace, session: boto3.session.Session, err: TextIO) -> str:
    name = stack_name(args.stack)
    cloudformation = make_client("cloudformation", region=args.region, session=session)
    arn = runtime_arn(cloudformation, name)
    if err.isatty():
        print(f"runtime {arn} (stack {name})", file=err)
    return arn


def _read_prompt(interactive: bool, out: TextIO) -> str | None:
    if interactive:
        try:
            return input("you> ")
        except EOFError:
            out.write("\n")
            return None
    line = sys.stdin.readline()
    return line.rstrip("\r\n") if line else None


def _session_id(value: str) -> str:
    try:
        return check_session_id(value)
    except ConfigurationError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _duration(value: str) -> timedelta:
    try:
        return parse_since(value)
    except ConfigurationError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _actor_id(value: str) -> str:
    problem = actor_id_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def _positive_count(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def _positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be more than 0 seconds")
    return seconds


def _error(error: object) -> None:
    print(f"error: {error}", file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    # Python flushes stdout at exit; pointing it at /dev/null keeps that flush from failing again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
