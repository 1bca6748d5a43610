"""One prompt, one answer streamed to the terminal as it arrives: what ``invoke`` does once and ``chat`` per line."""

from __future__ import annotations

import argparse
from typing import TextIO

from client.invocation import LocalAgent, Runtime
from client.terminal import MarkdownRenderer, Renderer, Stats
from contract.stream import EVENTS_MODE, TEXT_MODE


def live_markdown(args: argparse.Namespace, out: TextIO) -> bool:
    """Render Markdown live for a person at a terminal; scripts reading a pipe (or ``--raw``) get the exact text."""
    return out.isatty() and not args.raw


def answer(
    agent: Runtime | LocalAgent,
    prompt: str,
    session_id: str,
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    *,
    end_line: bool,
) -> None:
    """Send ``prompt`` and show the answer as it streams, with ``--events`` and ``--stats`` as asked.

    Args:
        agent: where to send it.
        prompt: what to ask.
        session_id: the conversation it belongs to.
        args: the command's options (``--events``, ``--stats``, ``--raw``).
        out: where the answer goes.
        err: where the stats line goes.
        end_line: finish the answer's last line however it ends, so that what comes next starts on its own.
    """
    live = live_markdown(args, out)
    renderer = MarkdownRenderer(out, events=args.events) if live else Renderer(out, events=args.events)
    stats = Stats()
    # Token usage travels in the final typed event, so --stats asks for events and shows only their text.
    stream = agent.invoke(prompt, session_id=session_id, stream=EVENTS_MODE if args.events or args.stats else TEXT_MODE)
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
