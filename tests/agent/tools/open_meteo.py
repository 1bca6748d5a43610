"""A local stand-in for Open-Meteo's geocoding and forecast endpoints, with the misbehaviours a test asks for."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from agent.tools.get_weather import MAX_BODY_BYTES

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
