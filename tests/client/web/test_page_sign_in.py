"""Sign in and Sign out on the chat page, in real headless Chromium: two browsers, two users, two conversations.

The page is in front of the agent behind the AgentCore stand-in, both checking the local provider's tokens; each
browser signs its user in at the provider's form and comes back signed in, and no answer in one browser ever holds
what the other's user said, even when the second asks on the first one's session.
"""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.by import By

from fakes.browser import start_chromium
from tests.client.web.helpers import ChatPage


@pytest.fixture
def page_url(sign_in_relay_port):
    """The chat page, with sign-in, as a browser on this machine opens it; the relay holds no AWS credentials."""
    return f"http://127.0.0.1:{sign_in_relay_port}/"


def sign_in(page: ChatPage, oidc, username: str) -> None:
    """Press Sign in, sign in at the provider's form, and wait to be back on the page, signed in."""
    user = oidc.users[username]
    page.wait_for(lambda: page.driver.find_element(By.ID, "sign-in").is_displayed(), "the Sign in button")
    page.driver.find_element(By.ID, "sign-in").click()
    page.wait_for(lambda: page.driver.find_elements(By.ID, "username"), "the provider's sign-in form")
    page.driver.find_element(By.ID, "username").send_keys(user.username)
    page.driver.find_element(By.ID, "password").send_keys(user.password)
    page.driver.find_element(By.ID, "sign-in").click()
    page.wait_for(lambda: page.driver.find_element(By.ID, "user").text == f"Signed in as {user.email}", "signed in")
    page.wait_for(lambda: page.driver.find_element(By.ID, "send").is_enabled(), "the page to load")


def turn_on_session(page: ChatPage, prompt: str, session_id: str) -> list[str]:
    """A turn the page's own script sends on another session id: the text the relay answered it with."""
    script = """
        const [prompt, sessionId, done] = arguments;
        fetch("/api/turns", {method: "POST", headers: {"Content-Type": "application/json"},
                             body: JSON.stringify({prompt, session_id: sessionId})})
          .then((response) => response.text()).then(done);
    """
    answer = page.driver.execute_async_script(script, prompt, session_id)
    return [value["text"] for value in map(json.loads, answer.splitlines()) if value.get("type") == "text"]


def test_page__signed_out_it_offers_sign_in_and_refuses_a_turn_in_words(chromium, page_url):
    page = ChatPage(chromium, page_url)

    page.wait_for(lambda: chromium.find_element(By.ID, "sign-in").is_displayed(), "the Sign in button")
    answer = page.ask("Hello")

    assert page.wait_until_finished(answer) == "failed"
    assert "Not signed in: sign in to ask the agent" in answer.text
    assert not chromium.find_element(By.ID, "sign-out").is_displayed()


def test_page__two_users_in_two_browsers_never_see_each_others_conversations(chromium, page_url, oidc, tmp_path):
    alices = ChatPage(chromium, page_url)
    sign_in(alices, oidc, "alice")
    alice_answer = alices.ask("alice's secret plan")
    assert alices.wait_until_finished(alice_answer) == "done"
    alice_session = chromium.find_element(By.ID, "session").text.removeprefix("session ")

    second = start_chromium(tmp_path / "second-profile")
    try:
        bobs = ChatPage(second, page_url)
        sign_in(bobs, oidc, "bob")
        bob_answer = bobs.ask("bob's first words")
        bobs.wait_until_finished(bob_answer)
        on_alices_session = turn_on_session(bobs, "what did alice say?", alice_session)
        bob_sees = bob_answer.text
    finally:
        second.quit()

    assert "alice's secret plan" in alice_answer.text
    assert "bob's first words" in bob_sees
    assert "alice" not in bob_sees.replace("bob", "")
    assert on_alices_session == ["what did alice say?"]


def test_page__sign_out_signs_the_browser_out_and_turns_are_refused_again(chromium, page_url, oidc):
    page = ChatPage(chromium, page_url)
    sign_in(page, oidc, "alice")

    chromium.find_element(By.ID, "sign-out").click()
    page.wait_for(lambda: chromium.find_element(By.ID, "sign-in").is_displayed(), "the Sign in button again")
    answer = page.ask("still signed in?")

    assert page.wait_until_finished(answer) == "failed"
    assert "Not signed in" in answer.text
    assert oidc.refresh_tokens == {}
