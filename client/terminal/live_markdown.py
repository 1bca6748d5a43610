"""Answers shown as Markdown while they stream, for a person at a terminal (rich ``Live`` + ``Markdown``).

Only for a terminal: piped output and ``--raw`` keep ``client.terminal.render.Renderer``, byte for byte what the model
wrote. Here a table arrives as a table and a code block highlighted, re-rendered as the text grows.
"""

from __future__ import annotations

import threading
from typing import Any, TextIO

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.live import Live
from rich.markdown import Markdown
from rich.text import Text

from client.terminal.render import describe_event, text_of

REFRESHES_PER_SECOND = 12
"""Redraws per second while text streams in; the first text is drawn at once."""


class MarkdownRenderer:
    """Shows an answer as rendered Markdown, redrawn while it streams; same interface as ``Renderer``.

    With ``events=True`` tool calls, tool results and the final ``done`` event appear as dim lines of their own
    between the stretches of Markdown. ``end_line`` draws the whole answer one last time and ends the live view;
    call it however the answer ends.
    """

    def __init__(self, out: TextIO, *, events: bool = False) -> None:
        self._events = events
        self._lock = threading.Lock()  # the live view redraws from a thread of its own
        self._parts: list[list[str] | Text] = []  # Markdown source pieces, or an event line
        self._live = Live(
            self,
            console=Console(file=out),
            refresh_per_second=REFRESHES_PER_SECOND,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._started = False

    def write(self, value: Any) -> None:
        """Take one value of the stream; the view shows it at the next redraw (the first text at once)."""
        text = text_of(value)
        with self._lock:
            if text is not None:
                if not self._parts or isinstance(self._parts[-1], Text):
                    self._parts.append([])
                self._parts[-1].append(text)  # type: ignore[union-attr]
            elif self._events:
                self._parts.append(Text(describe_event(value), style="dim"))
            else:
                return
        if not self._started:
            self._started = True
            self._live.start(refresh=True)

    def end_line(self) -> None:
        """Draw the whole answer (also what scrolled past the screen while it streamed) and end the live view."""
        if self._started:
            self._live.stop()
            self._started = False

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        with self._lock:
            parts = [Markdown("".join(part)) if isinstance(part, list) else part for part in self._parts]
        yield Group(*parts)
