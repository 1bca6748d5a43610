"""``"stream": "events"`` turns the stream into typed events: text, tool use, tool result and a final done."""

from __future__ import annotations

from fakes.scripted_model import ScriptedModel, ToolCall
from tests.agent.helpers import stream_values


def test_events_mode__shows_tool_use_tool_result_text_and_done_in_order(serve_agent, http):
    model = ScriptedModel([["Computing. ", ToolCall("calculator", {"expression": "2 + 3 * 4"})], ["It is 14."]])
    url = serve_agent(model)

    events = stream_values(http, url, {"prompt": "what is 2 + 3 * 4?", "stream": "events"})

    assert [event["type"] for event in events] == ["text", "tool_use", "tool_result", "text", "done"]
    assert events[0] == {"type": "text", "text": "Computing. "}
    assert events[1] == {
        "type": "tool_use",
        "id": "tooluse_scripted_1",
        "name": "calculator",
        "input": {"expression": "2 + 3 * 4"},
    }
    assert events[2]["id"] == "tooluse_scripted_1"
    assert events[3] == {"type": "text", "text": "It is 14."}


def test_events_mode__done_carries_stop_reason_token_usage_and_latency(serve_agent, http):
    url = serve_agent(ScriptedModel([["hello"]]))

    done = stream_values(http, url, {"prompt": "hi", "stream": "events"})[-1]

    assert done["type"] == "done"
    assert done["stop_reason"] == "end_turn"
    assert done["usage"] == {"inputTokens": 11, "outputTokens": 7, "totalTokens": 18}
    assert done["latency_ms"] > 0


def test_events_mode__usage_counts_this_invocation_only_not_the_whole_session(serve_agent, http):
    from tests.agent.helpers import SESSION_A

    url = serve_agent(ScriptedModel([["one"], ["two"]]))

    stream_values(http, url, {"prompt": "first", "stream": "events"}, session=SESSION_A)
    second = stream_values(http, url, {"prompt": "second", "stream": "events"}, session=SESSION_A)

    assert second[-1]["usage"]["totalTokens"] == 18


def test_text_mode__hides_tool_traffic_and_streams_only_text(serve_agent, http):
    url = serve_agent(ScriptedModel([["Let me check. ", ToolCall("get_time", {"timezone": "UTC"})], ["Done."]]))

    values = stream_values(http, url, {"prompt": "time?"})

    assert values == ["Let me check. ", "Done."]
