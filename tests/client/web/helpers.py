"""Talking to the relay as the page does (a turn posted as JSON, the answer read as one JSON value per line), and
using the page as a person does, in a real browser."""

from __future__ import annotations

import json

import httpx
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

JSON = {"Content-Type": "application/json"}


def turn(http: httpx.Client, url: str, body: object, **headers: str) -> httpx.Response:
    """Post ``body`` to the relay's ``/api/turns`` as JSON, with ``headers`` besides."""
    return http.post(f"{url}/api/turns", content=json.dumps(body), headers={**JSON, **headers})


def lines(response: httpx.Response) -> list[dict]:
    """The relay's answer, one JSON value per line."""
    return [json.loads(line) for line in response.text.splitlines()]


WAIT_SECONDS = 15


class ChatPage:
    """The page as a person uses it: type, send, watch, stop."""

    def __init__(self, driver: webdriver.Chrome, url: str) -> None:
        self.driver = driver
        driver.get(url)
        self.wait_for(lambda: driver.find_element(By.ID, "send").is_enabled(), "the page to load")

    def ask(self, prompt: str) -> WebElement:
        """Send a prompt; return its answer element."""
        before = len(self.answers())
        box = self.driver.find_element(By.ID, "prompt")
        box.send_keys(prompt)
        self.driver.find_element(By.ID, "send").click()
        self.wait_for(lambda: len(self.answers()) > before, "the answer to start")
        return self.answers()[-1]

    def answers(self) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, "#transcript .answer")

    def wait_for(self, condition, what: str):
        # An element found just before the page navigates (signing in or out) goes stale: look again.
        ignored = (NoSuchElementException, StaleElementReferenceException)
        wait = WebDriverWait(self.driver, WAIT_SECONDS, poll_frequency=0.02, ignored_exceptions=ignored)
        return wait.until(lambda _: condition(), message=f"waited {WAIT_SECONDS} s for {what}")

    def wait_until_finished(self, answer: WebElement) -> str:
        self.wait_for(lambda: answer.get_attribute("data-state") != "streaming", "the answer to finish")
        return answer.get_attribute("data-state")
