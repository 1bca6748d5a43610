"""The ``get_weather`` tool against a local Open-Meteo: what it answers, and what it refuses to follow or read."""

from __future__ import annotations

import pytest

from agent.settings import AgentSettings
from agent.tools.get_weather import MAX_BODY_BYTES, WeatherServiceError, make_get_weather
from fakes.live_server import free_port
from fakes.scripted_model import ScriptedModel, ToolCall
from tests.agent.helpers import result_text, tool_result
from tests.agent.tools.open_meteo import fake_open_meteo


def weather_settings(base: str, timeout: float = 2.0) -> AgentSettings:
    return AgentSettings(
        geocoding_url=f"{base}/geocoding", forecast_url=f"{base}/forecast", weather_timeout_seconds=timeout
    )


def test_get_weather__reports_current_conditions_and_names_its_source(open_meteo):
    get_weather = make_get_weather(weather_settings(open_meteo))

    answer = get_weather(city="Paris")

    assert answer == (
        "Paris, Île-de-France, France: 7.5 °C, overcast, humidity 81 %, wind 12.2 km/h "
        "(Open-Meteo, observed 2026-11-26T10:00 local time)"
    )


def test_get_weather__unknown_city_is_a_clear_error(open_meteo):
    get_weather = make_get_weather(weather_settings(open_meteo))

    with pytest.raises(ValueError, match="no place called 'Atlantis'"):
        get_weather(city="Atlantis")


def test_get_weather__unreachable_service_is_a_clear_error_not_a_hang():
    get_weather = make_get_weather(weather_settings(f"http://127.0.0.1:{free_port()}", timeout=1.0))

    with pytest.raises(RuntimeError, match="the weather service did not answer"):
        get_weather(city="Paris")


def test_get_weather__follows_a_redirect_within_the_same_origin(open_meteo):
    settings = AgentSettings(geocoding_url=f"{open_meteo}/moved/geocoding", forecast_url=f"{open_meteo}/forecast")

    answer = make_get_weather(settings)(city="Paris")

    assert answer.startswith("Paris, Île-de-France, France: 7.5 °C")


def test_get_weather__refuses_a_redirect_to_another_origin_and_never_asks_it():
    with fake_open_meteo() as first, fake_open_meteo() as elsewhere:
        first.redirect_to = elsewhere.url  # same host and scheme, another port: another origin
        settings = AgentSettings(geocoding_url=f"{first.url}/elsewhere/geocoding", forecast_url=f"{first.url}/forecast")

        with pytest.raises(WeatherServiceError, match="the weather service redirected to another site"):
            make_get_weather(settings)(city="Paris")

        assert elsewhere.requests == []


def test_get_weather__refuses_an_answer_larger_than_it_reads(open_meteo):
    settings = AgentSettings(geocoding_url=f"{open_meteo}/huge/geocoding", forecast_url=f"{open_meteo}/forecast")

    with pytest.raises(
        WeatherServiceError, match=f"the weather service answered with more than {MAX_BODY_BYTES} bytes"
    ):
        make_get_weather(settings)(city="Paris")


def test_get_weather__runs_as_a_tool_inside_the_agent(serve_agent, http, open_meteo):
    call = ToolCall("get_weather", {"city": "Paris"})
    model = ScriptedModel([[call], ["Mild."]])
    url = serve_agent(
        model, geocoding_url=f"{open_meteo}/geocoding", forecast_url=f"{open_meteo}/forecast", weather_timeout_seconds=2
    )

    result = tool_result(http, url)

    assert result["status"] == "success"
    assert "7.5 °C" in result_text(result)
