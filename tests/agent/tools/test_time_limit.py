"""Every tool call is bounded by ``TOOL_TIMEOUT_SECONDS``: past it the model gets an error result, the turn goes on."""

from __future__ import annotations

import time

from fakes.scripted_model import ScriptedModel, ToolCall
from tests.agent.helpers import result_text, stream_values
from tests.agent.tools.open_meteo import SLOW_SECONDS


def test_tool_that_overruns_its_timeout__gives_the_model_an_error_and_the_turn_goes_on(serve_agent, http, open_meteo):
    model = ScriptedModel([[ToolCall("get_weather", {"city": "Paris"})], ["The weather service is slow today."]])
    url = serve_agent(
        model,
        geocoding_url=f"{open_meteo}/slow/geocoding",
        forecast_url=f"{open_meteo}/forecast",
        weather_timeout_seconds=SLOW_SECONDS * 2,
        tool_timeout_seconds=0.5,
    )

    started = time.monotonic()
    events = stream_values(http, url, {"prompt": "weather?", "stream": "events"})
    took = time.monotonic() - started

    (result,) = [event for event in events if event["type"] == "tool_result"]
    assert result["status"] == "error"
    assert result_text(result).startswith("Error: get_weather did not finish within 0.5 s")
    assert [event["text"] for event in events if event["type"] == "text"] == ["The weather service is slow today."]
    assert events[-1]["type"] == "done"
    assert took < SLOW_SECONDS, "the turn waited for the tool's thread"
    assert model.calls[1][-1]["content"][0]["toolResult"]["status"] == "error", "the model saw the error"
