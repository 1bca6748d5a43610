"""What a person at a terminal sees while an answer streams: the exact text, or live Markdown, and the stats line.

``render`` writes the answer byte for byte (piped output, ``--raw``) and measures it (``Stats``); ``live_markdown``
redraws it as Markdown on a terminal. Both show typed events the same way (``describe_event``).
"""

from client.terminal.live_markdown import MarkdownRenderer
from client.terminal.render import Renderer, Stats, describe_event, text_of

__all__ = ["MarkdownRenderer", "Renderer", "Stats", "describe_event", "text_of"]
