"""The project's documents, read the way the tests that hold them to the code need them.

A document is README.md, CONTRIBUTING.md or any Markdown page under docs/ (decision records included). The readers
here know as much Markdown as those documents use: fenced code blocks, inline code spans, inline links and images,
ATX headings, and GitHub's rule for turning a heading into the ``#anchor`` a link can name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]

FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>```|~~~)(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$", re.M | re.S
)
CODE_SPAN = re.compile(r"(?<!`)(?P<ticks>`+)(?!`)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)", re.S)
LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>.+?)[ \t]*#*[ \t]*$", re.M)


@dataclass(frozen=True)
class Found:
    """Something a document says, and where: ``where`` is ``path:line``, as an editor opens it."""

    where: str
    text: str


def relative(document: Path) -> str:
    """The document's path from the repository root, as the tests name it."""
    return str(document.relative_to(ROOT))


def _blanked(text: str, pattern: re.Pattern[str]) -> str:
    """The text with every match of ``pattern`` replaced by spaces, its line breaks kept, so that lines still count."""
    return pattern.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), text)


def prose(text: str) -> str:
    """The document without its fenced code blocks: what Markdown renders as text, spans and links included."""
    return _blanked(text, FENCE)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def code_spans(document: Path) -> Iterator[Found]:
    """Every inline code span outside fenced blocks, its content as Markdown shows it."""
    text = prose(document.read_text(encoding="utf-8"))
    for span in CODE_SPAN.finditer(text):
        code = " ".join(span.group("code").split())
        yield Found(f"{relative(document)}:{_line_of(text, span.start())}", code)


def fenced_blocks(document: Path, *languages: str) -> Iterator[Found]:
    """The body of every fenced block whose info string names one of ``languages``; ``where`` is its first line."""
    text = document.read_text(encoding="utf-8")
    for block in FENCE.finditer(text):
        if block.group("info").strip() in languages:
            yield Found(f"{relative(document)}:{_line_of(text, block.start('body'))}", block.group("body"))


def links(document: Path) -> Iterator[Found]:
    """Every inline link and image target outside code, web addresses included."""
    text = _blanked(prose(document.read_text(encoding="utf-8")), CODE_SPAN)
    for link in LINK.finditer(text):
        yield Found(f"{relative(document)}:{_line_of(text, link.start())}", link.group("target"))


def slug(title: str) -> str:
    """The anchor GitHub gives a heading: its text as rendered, lower case, punctuation dropped, spaces as hyphens."""
    rendered = LINK.sub(lambda link: link.group("text"), title).replace("`", "")
    kept = "".join(ch for ch in rendered.lower() if ch.isalnum() or ch in "-_ ")
    return kept.replace(" ", "-")


def anchors(document: Path) -> set[str]:
    """The anchors of a document's headings; a repeated heading gets ``-1``, ``-2``, … as on GitHub."""
    found: set[str] = set()
    repeats: dict[str, int] = {}
    for heading in HEADING.finditer(prose(document.read_text(encoding="utf-8"))):
        base = slug(heading.group("title"))
        count = repeats.get(base, 0)
        repeats[base] = count + 1
        found.add(f"{base}-{count}" if count else base)
    return found
