"""Talking to the relay as the page does: a turn posted as JSON, the answer read as one JSON value per line."""

from __future__ import annotations

import json

import httpx

JSON = {"Content-Type": "application/json"}


def turn(http: httpx.Client, url: str, body: object, **headers: str) -> httpx.Response:
    """Post ``body`` to the relay's ``/api/turns`` as JSON, with ``headers`` besides."""
    return http.post(f"{url}/api/turns", content=json.dumps(body), headers={**JSON, **headers})


def lines(response: httpx.Response) -> list[dict]:
    """The relay's answer, one JSON value per line."""
    return [json.loads(line) for line in response.text.splitlines()]
