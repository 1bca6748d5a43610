"""The ``get_weather`` tool: current conditions from Open-Meteo (no API key, no account).

The tool says where its figures come from and fails with a message the model can relay, because a weather
answer the model made up is worse than an honest "the weather service did not answer".

What comes back is read with suspicion: a redirect to another origin (scheme, host and port) is not followed, since
the configured endpoint, not whoever answers it, decides where the agent's requests go; a redirect within the same
origin is followed (urllib's limit of 10 applies). A body longer than ``MAX_BODY_BYTES`` is not read to its end.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from strands import tool
from strands.types.tools import AgentTool

from agent.settings import AgentSettings

# WMO weather interpretation codes, as documented by Open-Meteo.
_WMO_CODES = {
    0: "clear sky",
    1: "mainly clear",
    2: "partly cloudy",
    3: "overcast",
    45: "fog",
    48: "depositing rime fog",
    51: "light drizzle",
    53: "drizzle",
    55: "dense drizzle",
    56: "freezing drizzle",
    57: "dense freezing drizzle",
    61: "light rain",
    63: "rain",
    65: "heavy rain",
    66: "freezing rain",
    67: "heavy freezing rain",
    71: "light snow",
    73: "snow",
    75: "heavy snow",
    77: "snow grains",
    80: "light rain showers",
    81: "rain showers",
    82: "violent rain showers",
    85: "snow showers",
    86: "heavy snow showers",
    95: "thunderstorm",
    96: "thunderstorm with hail",
    99: "thunderstorm with heavy hail",
}


MAX_BODY_BYTES = 256 * 1024
"""Largest answer read from the weather service; Open-Meteo's are under 2 KiB."""


class WeatherServiceError(RuntimeError):
    """Open-Meteo could not be reached or answered something unusable."""


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only within the origin of the request it answers."""

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        if _origin(newurl) != _origin(req.full_url):
            raise WeatherServiceError(
                f"the weather service redirected to another site ({_origin(newurl)}), which is not followed"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or default_port}"


_OPENER = urllib.request.build_opener(_SameOriginRedirects)


def _get_json(url: str, params: dict[str, Any], timeout: float) -> Any:
    query = urllib.parse.urlencode(params)
    try:
        with _OPENER.open(f"{url}?{query}", timeout=timeout) as response:
            body = response.read(MAX_BODY_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise WeatherServiceError(f"the weather service did not answer ({reason}); try again later") from None
    if len(body) > MAX_BODY_BYTES:
        raise WeatherServiceError(f"the weather service answered with more than {MAX_BODY_BYTES} bytes, not read")
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise WeatherServiceError("the weather service answered with something that is not JSON") from None


def make_get_weather(settings: AgentSettings) -> AgentTool:
    """Build the ``get_weather`` tool bound to the configured Open-Meteo endpoints and timeout."""

    @tool
    def get_weather(city: str) -> str:
        """Get the current weather for a city: temperature, humidity, wind and sky, from Open-Meteo.

        Args:
            city: City name, optionally with country, such as "Paris" or "Springfield, US".
        """
        if not city or not city.strip():
            raise ValueError("city is empty: name a city such as 'Paris'")
        found = _get_json(
            settings.geocoding_url,
            {"name": city.strip(), "count": 1, "language": "en", "format": "json"},
            settings.weather_timeout_seconds,
        )
        places = found.get("results") if isinstance(found, dict) else None
        if not places:
            raise ValueError(f"no place called {city!r} is known to the weather service; check the spelling")
        place = places[0]
        forecast = _get_json(
            settings.forecast_url,
            {
                "latitude": place["latitude"],
                "longitude": place["longitude"],
                "current": "temperature_2m,relative_humidity_2m,wind_speed_10m,weather_code",
                "timezone": "auto",
            },
            settings.weather_timeout_seconds,
        )
        current = forecast.get("current") if isinstance(forecast, dict) else None
        if not isinstance(current, dict):
            raise WeatherServiceError("the weather service answered without current conditions")
        where = ", ".join(part for part in (place.get("name"), place.get("admin1"), place.get("country")) if part)
        sky = _WMO_CODES.get(current.get("weather_code"), "unknown conditions")
        return (
            f"{where}: {current.get('temperature_2m')} °C, {sky}, humidity {current.get('relative_humidity_2m')} %, "
            f"wind {current.get('wind_speed_10m')} km/h (Open-Meteo, observed {current.get('time')} local time)"
        )

    return get_weather
