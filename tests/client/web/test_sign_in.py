"""Sign in on the chat page, over plain HTTP: the relay signs each browser's user in with the code flow and PKCE,
keeps their token to itself, sends each turn with it, and takes a callback only from the browser that started it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.client.web.helpers import lines, turn
from tests.conftest import APP_CLIENT


@pytest.fixture
def relay(sign_in_relay_port):
    """The page's relay, with sign-in, on ``localhost``; no AWS credentials anywhere."""
    return f"http://localhost:{sign_in_relay_port}"


def signed_in(oidc, relay: str, username: str) -> httpx.Client:
    """A browser (cookies and all) whose user has signed in through the page's Sign in."""
    browser = httpx.Client(timeout=30)
    leave = browser.get(f"{relay}/auth/login")
    back = oidc.sign_in(browser, leave.headers["location"], oidc.users[username])
    arrived = browser.get(back)
    assert arrived.status_code == 303, arrived.text
    return browser


def test_a_turn_before_signing_in__is_refused_with_signed_out(relay):
    with httpx.Client() as browser:
        target = browser.get(f"{relay}/api/target").json()
        refused = turn(browser, relay, {"prompt": "Hello", "session_id": None})

    assert (target["sign_in"], target["user"]) == (True, None)
    assert refused.status_code == 401
    assert refused.json()["error"]["kind"] == "signed_out"


def test_sign_in__from_127_0_0_1_first_moves_the_page_to_localhost_where_the_provider_sends_it_back(relay):
    port = relay.rsplit(":", 1)[1]

    moved = httpx.get(f"http://127.0.0.1:{port}/auth/login")

    assert moved.status_code == 303
    assert moved.headers["location"] == f"http://localhost:{port}/auth/login"


def test_sign_in__goes_to_the_provider_with_pkce_and_a_lax_login_cookie_for_the_callback(relay, oidc):
    leave = httpx.get(f"{relay}/auth/login")

    query = parse_qs(urlsplit(leave.headers["location"]).query)
    assert leave.headers["location"].startswith(f"{oidc.url}/authorize?")
    assert query["redirect_uri"] == [f"{relay}/auth/callback"]
    assert query["code_challenge_method"] == ["S256"]
    cookie = leave.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/auth/callback" in cookie


def test_signed_in__the_turn_carries_the_users_token_and_the_session_cookie_is_httponly_strict(relay, oidc, deployment):
    browser = signed_in(oidc, relay, "alice")

    answer = turn(browser, relay, {"prompt": "Hello as alice", "session_id": None})
    target = browser.get(f"{relay}/api/target").json()

    assert answer.status_code == 200, answer.text
    assert [line["text"] for line in lines(answer) if line["type"] == "text"] == ["Hello as alice"]
    assert target["user"] == oidc.users["alice"].email
    assert deployment.plane.requests[-1].authorization.startswith("Bearer ey")
    session_cookie = next(c for c in browser.cookies.jar if c.name.startswith("agent-chat-session-"))
    assert session_cookie.has_nonstandard_attr("HttpOnly")
    assert session_cookie.get_nonstandard_attr("SameSite") == "strict"


def test_two_browsers_as_two_users__never_see_each_others_conversation_even_on_the_same_session(relay, oidc):
    alice, bob = signed_in(oidc, relay, "alice"), signed_in(oidc, relay, "bob")

    first = turn(alice, relay, {"prompt": "alice's secret", "session_id": None})
    session = first.headers["x-session-id"]
    bobs = turn(bob, relay, {"prompt": "what did alice say?", "session_id": session})

    assert [line["text"] for line in lines(bobs) if line["type"] == "text"] == ["what did alice say?"]


def test_callback__with_a_state_this_relay_never_issued_is_refused(relay, oidc):
    browser = signed_in(oidc, relay, "alice")

    forged = browser.get(f"{relay}/auth/callback?code=attackers-code&state=made-up")

    assert forged.status_code == 400
    assert "not started in this browser" in forged.text


def test_callback__in_another_browser_than_the_one_that_started_the_sign_in_is_refused(relay, oidc):
    victim, attacker = httpx.Client(), httpx.Client()
    leave = attacker.get(f"{relay}/auth/login")
    back = oidc.sign_in(attacker, leave.headers["location"], oidc.users["bob"])

    arrived = victim.get(back)  # the attacker's code and state, sent to the victim's browser as a link

    assert arrived.status_code == 400
    assert victim.get(f"{relay}/api/target").json()["user"] is None


def test_sign_out__forgets_the_user_revokes_the_refresh_token_and_names_the_providers_sign_out(relay, oidc):
    browser = signed_in(oidc, relay, "alice")
    assert len(oidc.refresh_tokens) == 1

    out = browser.post(f"{relay}/auth/logout", content="{}", headers={"Content-Type": "application/json"})
    after = turn(browser, relay, {"prompt": "still there?", "session_id": None})

    assert out.status_code == 200
    assert out.json()["signed_out_url"].startswith(f"{oidc.url}/logout?client_id={APP_CLIENT}")
    assert oidc.refresh_tokens == {}
    assert after.status_code == 401


def test_sign_out__from_another_site_is_refused(relay, oidc):
    browser = signed_in(oidc, relay, "alice")

    refused = browser.post(
        f"{relay}/auth/logout",
        content="{}",
        headers={"Content-Type": "application/json", "Origin": "https://evil.example"},
    )

    assert refused.status_code == 403
    assert browser.get(f"{relay}/api/target").json()["user"] == oidc.users["alice"].email
