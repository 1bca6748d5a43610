"""Fixtures for the web chat: the relay in front of an agent, and one headless Chromium for the page tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from selenium import webdriver

from client import Runtime
from client.auth import SignIn
from client.web.server import create_app
from client.web.sign_in import WebSignIn
from contract.auth import web_redirect_uri, web_signed_out_uri
from fakes.browser import start_chromium
from fakes.live_server import serve
from tests.conftest import APP_CLIENT

ARTEFACTS = Path(__file__).resolve().parents[3] / "artefacts" / "web"
"""Screenshots the page tests leave behind (gitignored); CI can keep them."""

ServeWeb = Callable[..., str]


@pytest.fixture
def serve_web() -> Iterator[ServeWeb]:
    """Serve ``client web``'s app in front of an agent, with ``create_app``'s options; returns the page's URL.

    Stops at the end of the test.
    """
    with ExitStack() as stack:
        yield lambda agent, **options: stack.enter_context(serve(create_app(agent, **options)))


@pytest.fixture(scope="session")
def chromium(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    """One headless Chromium, with a fresh profile, for every page test of the run."""
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def artefacts() -> Path:
    """Where a test keeps what a person may want to look at after the run."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


@pytest.fixture
def sign_in_relay_port(deployment, oidc, monkeypatch) -> Iterator[int]:
    """The port of a relay with Sign in, in front of the stand-in runtime, with no AWS credentials anywhere.

    The provider knows the relay's callback and signed-out URLs, for ``localhost`` and ``127.0.0.1`` alike.
    """
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    runtime = Runtime(deployment.arn, endpoint_url=deployment.url)
    app = create_app(runtime, sign_in=WebSignIn(SignIn(oidc.discovery_url, APP_CLIENT), runtime))
    with serve(app) as url:
        port = int(url.rsplit(":", 1)[1])
        oidc.register(APP_CLIENT, web_redirect_uri(port), web_signed_out_uri(port))
        yield port
