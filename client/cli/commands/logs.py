"""Show the runtime's CloudWatch logs, oldest first (those of its DEFAULT endpoint, or of the one --endpoint names).

Each invocation record as one line (time UTC, session, outcome, time to first chunk, tokens, tools), every other line
as the agent printed it.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from client.aws import make_client
from client.cli import options, validators
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.cli.targets import aws_target
from client.invocation import RuntimeArn
from client.operations import DEFAULT_SINCE, LogEvent, LogFilter, current_ms, follow_events, read_events
from contract.agentcore import runtime_log_group


def add_arguments(parser: argparse.ArgumentParser) -> None:
    runtime = parser.add_argument_group("runtime (default: the runtime of the deployed stack, its DEFAULT endpoint)")
    options.add_arn(runtime)
    options.add_endpoint(runtime)
    shown = parser.add_argument_group("what to show")
    since = "start this long ago: 30s, 10m, 2h, 1d"
    options.add_valued(
        shown, "--since", parse=validators.duration, default=DEFAULT_SINCE, metavar="DURATION", meaning=since
    )
    shown.add_argument("-f", "--follow", action="store_true", help="keep showing new events until Ctrl-C")
    shown.add_argument(
        "--session",
        type=validators.session_id,
        metavar="ID",
        help="only this conversation: its records and the lines naming it",
    )
    shown.add_argument(
        "--errors", action="store_true", help="only failures: invocations that did not complete, ERROR lines"
    )
    shown.add_argument(
        "--json", action="store_true", help="each event as CloudWatch returns it, one JSON object per line"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    session, arn = aws_target(args, err)
    runtime = RuntimeArn.parse(arn)
    client = make_client("logs", region=args.region or runtime.region, session=session)
    group = runtime_log_group(runtime.runtime_id, options.endpoint_of(args))
    selection = LogFilter(session_id=args.session, errors_only=args.errors)
    start_ms = current_ms() - int(args.since.total_seconds() * 1000)
    if not args.follow:
        for event in read_events(client, group, start_ms=start_ms, selection=selection):
            print(_shown(event, args), file=out)
        return EXIT_OK
    try:
        for event in follow_events(
            client, group, start_ms=start_ms, selection=selection, notice=lambda text: print(f"note: {text}", file=err)
        ):
            print(_shown(event, args), file=out, flush=True)
    except KeyboardInterrupt:  # Ctrl-C is how following ends, not a failure
        pass
    return EXIT_OK


def _shown(event: LogEvent, args: argparse.Namespace) -> str:
    return event.as_json() if args.json else event.line()


COMMAND = Command(
    help="the runtime's logs: one line per invocation record, and the agent's own lines",
    # No --endpoint-url: logs calls CloudWatch Logs (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS), not AgentCore.
    parents=(options.AWS,),
    refused={
        "--url": "logs reads the deployed runtime's CloudWatch Logs; a local agent prints its logs in the terminal "
        "running it (make local)",
    },
    exit_note="; --follow ends with 0 on Ctrl-C",
)
