"""The real tools run inside the real Strands loop: calculator, get_time, and get_weather against a local fake."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from agent.settings import AgentSettings
from agent.tools.calculator.tool import Calculator, calculator_tool
from agent.tools.get_weather import MAX_BODY_BYTES, WeatherServiceError, make_get_weather
from fakes.scripted_model import ScriptedModel, ToolCall
from tests.agent.helpers import stream_values


def tool_result(http, url) -> dict:
    events = stream_values(http, url, {"prompt": "use the tool", "stream": "events"})
    (result,) = [event for event in events if event["type"] == "tool_result"]
    return result


def result_text(result: dict) -> str:
    return " ".join(part.get("text", json.dumps(part.get("json"))) for part in result["content"])


def test_calculator__really_evaluates_the_expression(serve_agent, http):
    call = ToolCall("calculator", {"expression": "2 + 3 * 4"})
    url = serve_agent(ScriptedModel([[call], ["14"]]))

    result = tool_result(http, url)

    assert result["status"] == "success"
    assert "14" in result_text(result)


def test_calculator__a_bad_expression_is_the_real_tools_error(serve_agent, http):
    call = ToolCall("calculator", {"expression": "2 +* 3"})
    url = serve_agent(ScriptedModel([[call], ["sorry"]]))

    result = tool_result(http, url)

    assert result["status"] == "error"
    assert result_text(result) == "Error: Invalid mathematical expression: invalid syntax"


def test_calculator__offers_the_model_exactly_the_installed_tools_spec():
    real = calculator_tool()

    offered = Calculator(AgentSettings())

    assert offered.tool_spec == real.tool_spec, (
        "agent/tools/calculator/spec.json is stale: scripts/record_calculator_spec.py"
    )
    assert offered.tool_name == real.tool_name
    assert offered.tool_type == real.tool_type
    assert offered.supports_hot_reload == real.supports_hot_reload
    assert offered.get_display_properties() == real.get_display_properties()


def test_get_time__answers_in_the_requested_timezone(serve_agent, http):
    call = ToolCall("get_time", {"timezone": "Asia/Tokyo"})
    url = serve_agent(ScriptedModel([[call], ["ok"]]))

    text = result_text(tool_result(http, url))

    stamp = re.match(r"(\S+) \(Asia/Tokyo, \w+day\)", text)
    assert stamp, text
    assert datetime.fromisoformat(stamp.group(1)).utcoffset().total_seconds() == 9 * 3600


def test_get_time__without_timezone_answers_in_utc(serve_agent, http):
    call = ToolCall("get_time", {})
    url = serve_agent(ScriptedModel([[call], ["ok"]]))

    text = result_text(tool_result(http, url))

    assert "(UTC," in text


def test_get_time__unknown_timezone_is_a_clear_tool_error(serve_agent, http):
    call = ToolCall("get_time", {"timezone": "Mars/Olympus_Mons"})
    url = serve_agent(ScriptedModel([[call], ["sorry"]]))

    result = tool_result(http, url)

    assert result["status"] == "error"
    assert "unknown timezone 'Mars/Olympus_Mons'" in result_text(result)
    assert "IANA" in result_text(result)


SLOW_SECONDS = 3.0


class FakeOpenMeteo(BaseHTTPRequestHandler):
    """Answers like Open-Meteo's geocoding and forecast endpoints, on 127.0.0.1; the server keeps every path asked.

    Misbehaviours by path prefix: ``/moved/X`` redirects to ``/X`` on the same server, ``/elsewhere/X`` to ``/X`` on
    ``server.redirect_to``, ``/huge/X`` pads the answer of ``/X`` beyond what the tool reads, ``/slow/X`` answers
    ``/X`` after ``SLOW_SECONDS``.
    """

    server: FakeServer

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        url = urlparse(self.path)
        query = parse_qs(url.query)
        prefix, _, rest = url.path.lstrip("/").partition("/")
        if prefix in ("moved", "elsewhere"):
            base = self.server.redirect_to if prefix == "elsewhere" else ""
            self.send_response(302)
            self.send_header("Location", f"{base}/{rest}?{url.query}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        padding = {}
        if prefix == "huge":
            padding = {"padding": "x" * (MAX_BODY_BYTES + 1)}
            url = url._replace(path=f"/{rest}")
        elif prefix == "slow":
            time.sleep(SLOW_SECONDS)
            url = url._replace(path=f"/{rest}")
        if url.path == "/geocoding":
            name = query["name"][0]
            results = (
                [
                    {
                        "name": "Paris",
                        "admin1": "Île-de-France",
                        "country": "France",
                        "latitude": 48.85,
                        "longitude": 2.35,
                    }
                ]
                if name == "Paris"
                else []
            )
            body = {"results": results} if results else {"generationtime_ms": 0.1}
        elif url.path == "/forecast":
            assert query["latitude"] == ["48.85"]
            body = {
                "current": {
                    "time": "2026-11-26T10:00",
                    "temperature_2m": 7.5,
                    "relative_humidity_2m": 81,
                    "wind_speed_10m": 12.2,
                    "weather_code": 3,
                }
            }
        else:
            self.send_error(404)
            return
        payload = json.dumps({**body, **padding}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        """Keep test output quiet."""


class FakeServer(ThreadingHTTPServer):
    requests: list[str]
    redirect_to: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


@contextmanager
def fake_open_meteo() -> Iterator[FakeServer]:
    server = FakeServer(("127.0.0.1", 0), FakeOpenMeteo)
    server.daemon_threads = True
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def open_meteo() -> Iterator[str]:
    with fake_open_meteo() as server:
        yield server.url


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
    from fakes.live_server import free_port

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


def test_get_weather__runs_as_a_tool_inside_the_agent(serve_agent, http, open_meteo):
    call = ToolCall("get_weather", {"city": "Paris"})
    model = ScriptedModel([[call], ["Mild."]])
    url = serve_agent(
        model, geocoding_url=f"{open_meteo}/geocoding", forecast_url=f"{open_meteo}/forecast", weather_timeout_seconds=2
    )

    result = tool_result(http, url)

    assert result["status"] == "success"
    assert "7.5 °C" in result_text(result)
