"""The tools the registry lists are the tools the model is offered, each documented, each answering through the agent.

Adding a tool is its module and one entry in ``agent.tools.registry``; these tests then hold it to being offered to
the model and named in the docs' tools list, so neither can be forgotten.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.settings import AgentSettings
from agent.tools.registry import build_tools
from fakes.scripted_model import ScriptedModel, ToolCall
from tests.agent.helpers import ROOT, RecordingModel, result_text, stream_values, tool_result

REGISTERED = [tool.tool_name for tool in build_tools(AgentSettings())]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
HEADING = re.compile(r"(#+)\s+(.*)")


def tools_sections(document: Path) -> str:
    """The text of every section of ``document`` whose heading mentions tools, fenced code left out."""
    kept: list[str] = []
    level: int | None = None
    fenced = False
    for line in document.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        heading = None if fenced else HEADING.fullmatch(line)
        if heading:
            depth = len(heading.group(1))
            if level is not None and depth <= level:
                level = None
            if level is None and "tool" in heading.group(2).lower():
                level = depth
        elif level is not None and not fenced:
            kept.append(line)
    return "\n".join(kept)


def test_registry__offers_the_model_every_registered_tool(serve_agent, http):
    model = RecordingModel([["hello"]])
    url = serve_agent(model)

    stream_values(http, url, {"prompt": "hi"})

    assert model.offered_tools == [REGISTERED]


@pytest.mark.parametrize("name", REGISTERED)
def test_registry__every_registered_tool_is_named_in_the_docs_tools_list(name):
    named = re.compile(rf"`[^`\n]*\b{re.escape(name)}\b[^`\n]*`")

    where = [document.name for document in DOCUMENTS if named.search(tools_sections(document))]

    assert where, f"no tools section of README.md or docs/*.md names `{name}`: add it where the other tools are listed"


ANSWERS = {
    "calculator evaluates": ({"expression": "2 + 3 * 4"}, "calculator", "success", r"\b14\b"),
    "calculator's own error": (
        {"expression": "2 +* 3"},
        "calculator",
        "error",
        r"^Error: Invalid mathematical expression: invalid syntax$",
    ),
    "get_time in UTC": ({}, "get_time", "success", r"\(UTC, \w+day\)"),
    "get_time unknown zone": (
        {"timezone": "Mars/Olympus_Mons"},
        "get_time",
        "error",
        r"unknown timezone 'Mars/Olympus_Mons'.*IANA",
    ),
}


@pytest.mark.parametrize(("tool_input", "name", "status", "text"), ANSWERS.values(), ids=ANSWERS.keys())
def test_tool__answers_the_model_through_the_real_agent(serve_agent, http, tool_input, name, status, text):
    url = serve_agent(ScriptedModel([[ToolCall(name, tool_input)], ["ok"]]))

    result = tool_result(http, url)

    assert result["status"] == status
    assert re.search(text, result_text(result)), result_text(result)
