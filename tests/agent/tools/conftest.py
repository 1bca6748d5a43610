"""Fixtures of the tools' tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.agent.tools.open_meteo import fake_open_meteo


@pytest.fixture
def open_meteo() -> Iterator[str]:
    """The base URL of a local Open-Meteo stand-in (``/geocoding``, ``/forecast``, and their misbehaving forms)."""
    with fake_open_meteo() as server:
        yield server.url
