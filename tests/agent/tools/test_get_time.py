"""The ``get_time`` tool, called by the model through the real agent."""

from __future__ import annotations

import re
from datetime import datetime

from fakes.scripted_model import ScriptedModel, ToolCall
from tests.agent.helpers import result_text, tool_result


def test_get_time__answers_in_the_requested_timezone(serve_agent, http):
    call = ToolCall("get_time", {"timezone": "Asia/Tokyo"})
    url = serve_agent(ScriptedModel([[call], ["ok"]]))

    text = result_text(tool_result(http, url))

    stamp = re.match(r"(\S+) \(Asia/Tokyo, \w+day\)", text)
    assert stamp, text
    assert datetime.fromisoformat(stamp.group(1)).utcoffset().total_seconds() == 9 * 3600
