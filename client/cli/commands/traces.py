"""List the agent's traces from CloudWatch Transaction Search, or show one as a timeline (traces show TRACE_ID).

A list line: start (UTC), trace id, duration, spans, session, and errors if any. The timeline indents each span under
its parent, with its start from the trace's start and its duration: model calls, tool calls, AgentCore Memory calls.
Transaction Search must be on in the account and Region (docs/observability.md#traces).
"""

from __future__ import annotations

import argparse
from typing import TextIO

from client.aws import make_client
from client.cli import options, validators
from client.cli.command import Command
from client.cli.exit_codes import EXIT_OK
from client.cli.targets import aws_target
from client.errors import ConfigurationError
from client.invocation import RuntimeArn
from client.operations import DEFAULT_SINCE, current_ms
from client.operations.traces import SpanFilter, read_spans, slowest, traces_of

SHOW = "show"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.add_arn(parser.add_argument_group("runtime (default: the runtime of the deployed stack)"))
    shown = parser.add_argument_group("which traces")
    options.add_valued(
        shown,
        "--since",
        parse=validators.duration,
        default=DEFAULT_SINCE,
        metavar="DURATION",
        meaning="look this far back: 30s, 10m, 2h, 1d",
    )
    shown.add_argument("--session", type=validators.session_id, metavar="ID", help="only this conversation's traces")
    shown.add_argument(
        "--slowest", type=validators.positive_count, metavar="N", help="only the N longest, longest first"
    )
    parser.add_argument("action", nargs="?", choices=[SHOW], metavar=SHOW, help="show one trace as a timeline")
    parser.add_argument("trace_id", nargs="?", type=validators.trace_id, metavar="TRACE_ID", help="the trace to show")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if (args.action == SHOW) != (args.trace_id is not None):
        args.parser.error(f"{SHOW} takes one TRACE_ID: traces {SHOW} TRACE_ID")
    session, arn = aws_target(args, err)
    runtime = RuntimeArn.parse(arn)
    logs = make_client("logs", region=args.region or runtime.region, session=session)
    end_ms = current_ms()
    selection = SpanFilter(runtime.runtime_id, session_id=args.session, trace_id=args.trace_id)
    spans, cut = read_spans(logs, selection, start_ms=end_ms - int(args.since.total_seconds() * 1000), end_ms=end_ms)
    if cut:
        print("note: more spans than one query returns; shorten --since or name a --session", file=err)
    traces = traces_of(spans)
    if args.trace_id:
        if not traces:
            raise ConfigurationError(
                f"no span of trace {args.trace_id} from runtime {runtime.runtime_id} in the last {_since(args)}: "
                "look further back with --since, or check the trace id"
            )
        print("\n".join(traces[0].timeline()), file=out)
        return EXIT_OK
    if args.slowest:
        traces = slowest(traces, args.slowest)
    if not traces:
        print(f"no traces of runtime {runtime.runtime_id} in the last {_since(args)}", file=err)
    for trace in traces:
        print(trace.line(), file=out)
    return EXIT_OK


def _since(args: argparse.Namespace) -> str:
    return f"{args.since.total_seconds() / 3600:g} h"


COMMAND = Command(
    help="the agent's traces from CloudWatch Transaction Search; `traces show TRACE_ID`: one as a timeline",
    exit_note="; 3 also when Transaction Search is off, or the trace to show is not in the --since window",
    # No --endpoint-url: traces calls CloudWatch Logs (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS), not AgentCore.
    parents=(options.AWS,),
    refused={"--url": "a local agent's spans go wherever its OpenTelemetry exporter sends them, not to AWS"},
)
