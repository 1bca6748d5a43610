"""The chat page in a real headless Chromium, in front of the real agent app with a scripted, paced model.

What a person sees: the answer growing while the model is still talking, Markdown rendered (a table, highlighted
code), tool calls before the text that uses them, Stop, readable errors, and nothing an answer contains ever runs.
"""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By

from client import LocalAgent, Runtime
from client.web.access import COOKIE_PREFIX, Access
from fakes.dataplane import Reject
from fakes.scripted_model import Fail, ScriptedModel, ToolCall
from tests.client.web.helpers import ChatPage


def deltas(count: int, word: str = "word") -> list[str]:
    return [f"{word}{index} " for index in range(count)]


def test_page__first_text_appears_before_the_model_has_finished(chromium, serve_agent, serve_web):
    model = ScriptedModel([deltas(10)], delay=0.2)
    page = ChatPage(chromium, serve_web(LocalAgent(serve_agent(model))))

    answer = page.ask("Count slowly")
    page.wait_for(lambda: "word0" in answer.text, "the first words")
    emitted_when_seen, state_when_seen = len(model.emitted_at), answer.get_attribute("data-state")

    assert page.wait_until_finished(answer) == "done"
    assert state_when_seen == "streaming"
    assert emitted_when_seen < 10
    assert "word0 word1 word2 word3 word4 word5 word6 word7 word8 word9" in answer.text


def test_page__markdown_renders_a_table_and_highlighted_code_and_the_tool_call_comes_first(
    chromium, serve_agent, serve_web, artefacts
):
    answer_text = [
        "## The product\n\n",
        "| Expression | Value |\n",
        "|---|---|\n",
        "| `17*23` | **391** |\n\n",
        "In Python:\n\n",
        "```python\n",
        "def product(a, b):\n",
        "    return a * b\n",
        "```\n",
    ]
    model = ScriptedModel(
        [["Let me compute that. ", ToolCall("calculator", {"expression": "17*23"})], answer_text], delay=0.15
    )
    page = ChatPage(chromium, serve_web(LocalAgent(serve_agent(model))))

    answer = page.ask("What is 17*23? Show a table and the Python.")
    tool = page.wait_for(lambda: answer.find_elements(By.CSS_SELECTOR, ".tool"), "the tool call")[0]
    text_when_tool_appeared = answer.text
    assert page.wait_until_finished(answer) == "done"

    assert "The product" not in text_when_tool_appeared and "Expression" not in text_when_tool_appeared
    assert tool.find_element(By.CSS_SELECTOR, ".tool-name").text == "calculator"
    assert "391" in tool.find_element(By.CSS_SELECTOR, ".tool-result").text
    table = answer.find_element(By.CSS_SELECTOR, ".markdown table")
    assert [cell.text for cell in table.find_elements(By.CSS_SELECTOR, "th")] == ["Expression", "Value"]
    assert answer.find_element(By.CSS_SELECTOR, ".markdown h2").text == "The product"
    code = answer.find_element(By.CSS_SELECTOR, ".markdown pre code.language-python")
    assert "def product(a, b):" in code.text
    assert code.find_elements(By.CSS_SELECTOR, "span.hljs-keyword")
    (tool_at, table_at) = (
        chromium.execute_script("return [...arguments[0].children].indexOf(arguments[1])", answer, element)
        for element in (tool, table.find_element(By.XPATH, "./.."))
    )
    assert tool_at < table_at
    stats = answer.find_element(By.CSS_SELECTOR, ".stats")
    assert "first chunk" in stats.text and "36 tokens (22 in, 14 out)" in stats.text and "s total" in stats.text
    chromium.save_screenshot(str(artefacts / "finished-answer.png"))


def test_page__stop_ends_the_turn_upstream_and_the_conversation_goes_on(chromium, serve_agent, serve_web):
    def remember(messages):
        asked_before = any("Tell me a long story" in str(message) for message in messages)
        return ["I still see the stopped question." if asked_before else "The stopped question was dropped."]

    model = ScriptedModel([deltas(100), remember], delay=0.05)
    page = ChatPage(chromium, serve_web(LocalAgent(serve_agent(model))))
    session = chromium.find_element(By.ID, "session")

    answer = page.ask("Tell me a long story")
    page.wait_for(lambda: "word1" in answer.text, "the story to begin")
    session_of_first_turn = session.text
    chromium.find_element(By.ID, "stop").click()
    assert page.wait_until_finished(answer) == "stopped"
    assert "Stopped." in answer.text
    time.sleep(0.5)  # the relay closes its upstream connection; the agent notices at its next chunk
    emitted_after_stop = len(model.emitted_at)
    time.sleep(0.5)
    assert len(model.emitted_at) == emitted_after_stop < 100  # the model was stopped, not left talking

    second = page.ask("Do you remember?")

    assert page.wait_until_finished(second) == "done"
    # A stopped turn is dropped from the history (docs/conversations.md, Sessions): a prompt left without its answer
    # would make the next request to Bedrock an invalid conversation. The session itself goes on.
    assert "The stopped question was dropped." in second.text
    assert session.text == session_of_first_turn


def test_page__html_and_script_in_an_answer_execute_nothing(chromium, serve_agent, serve_web):
    hostile = [
        "Look: <img src=x onerror=\"document.title='pwned';window.pwned=1\"> ",
        "and <script>document.title='pwned';window.pwned=2</script> ",
        "and [a link](javascript:window.pwned=3) ",
        "and ![an image](http://127.0.0.1:9/leak?secret=1) ",
        '<svg onload="window.pwned=4"></svg>',
    ]
    tool_input = {"timezone": '<img src=x onerror="window.pwned=5">'}
    model = ScriptedModel([[ToolCall("get_time", tool_input)], hostile])
    page = ChatPage(chromium, serve_web(LocalAgent(serve_agent(model))))

    answer = page.ask("Say something dangerous")
    assert page.wait_until_finished(answer) == "done"
    time.sleep(0.3)  # an image's onerror would have fired by now

    assert chromium.title == "Agent chat"
    assert chromium.execute_script("return window.pwned === undefined")
    transcript = chromium.find_element(By.ID, "transcript")
    assert transcript.find_elements(By.CSS_SELECTOR, "img, script, svg, iframe") == []
    assert transcript.find_elements(By.CSS_SELECTOR, "a[href^='javascript']") == []
    assert "<img src=x onerror=" in answer.text and "<script>" in answer.text
    assert '<img src=x onerror=\\"window.pwned=5\\">' in answer.find_element(By.CSS_SELECTOR, ".tool-input").text


def a_local_agent_taking_ten_characters(serve_agent, agentcore) -> tuple[LocalAgent, str]:
    return LocalAgent(serve_agent(ScriptedModel([]), max_prompt_chars=10)), "This prompt is longer than ten characters"


def agentcore_throttling(serve_agent, agentcore) -> tuple[Runtime, str]:
    core = agentcore(ScriptedModel([]))
    core.plane.script.append(Reject("ThrottlingException", 429, "Rate exceeded for this runtime"))
    return Runtime(core.arn, endpoint_url=core.url), "Hello"


@pytest.mark.parametrize(
    ("refusing", "kind", "shown", "reason"),
    [
        (a_local_agent_taking_ten_characters, "refused", "Refused: ", "the limit is 10 (MAX_PROMPT_CHARS)"),
        (agentcore_throttling, "throttled", "Throttled: Rate exceeded for this runtime", "try again in a moment"),
    ],
    ids=["agent-refuses-the-prompt", "agentcore-throttles"],
)
def test_page__a_turn_refused_before_it_began_shows_its_title_and_the_reason(
    chromium, serve_agent, agentcore, serve_web, refusing, kind, shown, reason
):
    agent, prompt = refusing(serve_agent, agentcore)
    page = ChatPage(chromium, serve_web(agent))

    answer = page.ask(prompt)

    assert page.wait_until_finished(answer) == "failed"
    problem = answer.find_element(By.CSS_SELECTOR, ".problem")
    assert problem.get_attribute("data-kind") == kind
    assert problem.text.startswith(shown)
    assert reason in problem.text


def test_page__an_answer_that_breaks_off_keeps_its_text_and_says_so(chromium, serve_agent, serve_web):
    model = ScriptedModel([["The first half ", Fail(RuntimeError("model connection reset"))]])
    page = ChatPage(chromium, serve_web(LocalAgent(serve_agent(model))))

    answer = page.ask("Hello")

    assert page.wait_until_finished(answer) == "failed"
    assert "The first half" in answer.text
    problem = answer.find_element(By.CSS_SELECTOR, ".problem")
    assert problem.get_attribute("data-kind") == "stream"
    assert problem.text.startswith("The answer broke off: ")
    assert "model connection reset" in problem.text


def test_page__new_conversation_forgets_the_session(chromium, serve_agent, serve_web):
    def remember(messages):
        return ["I remember." if len(messages) > 1 else "Nice to meet you."]

    model = ScriptedModel([["Hello!"], remember])
    page = ChatPage(chromium, serve_web(LocalAgent(serve_agent(model))))
    first = page.ask("Hi")
    page.wait_until_finished(first)
    first_session = chromium.find_element(By.ID, "session").text

    chromium.find_element(By.ID, "new-conversation").click()
    assert page.answers() == []
    second = page.ask("Do you remember me?")

    assert page.wait_until_finished(second) == "done"
    assert "Nice to meet you." in second.text
    assert chromium.find_element(By.ID, "session").text not in {first_session, "new conversation"}


def test_page__opened_from_the_printed_token_url_it_keeps_the_token_out_of_reach_and_streams(
    chromium, serve_agent, serve_web
):
    token = "page-test-launch-token-0123456789abcdefghijk"
    access = Access.remote("0.0.0.0", token=token)
    url = serve_web(LocalAgent(serve_agent(ScriptedModel([["Let in by the link."]]))), access=access)

    page = ChatPage(chromium, f"{url}/?token={token}")
    answer = page.ask("Hello")

    assert page.wait_until_finished(answer) == "done"
    assert "Let in by the link." in answer.text
    assert chromium.current_url == f"{url}/"  # the token is not left in the address bar
    cookie = chromium.get_cookie(f"{COOKIE_PREFIX}{url.rsplit(':', 1)[1]}")
    assert (cookie["value"], cookie["httpOnly"], cookie["sameSite"]) == (token, True, "Strict")
    assert token not in chromium.execute_script("return document.cookie")  # no script of the page can read it


def test_page__the_chat_without_its_token_shows_only_the_refusal(chromium, serve_agent, serve_web):
    url = serve_web(LocalAgent(serve_agent(ScriptedModel([]))), access=Access.remote("0.0.0.0", token="t" * 43))

    chromium.get(f"{url}/")

    assert "this chat needs the token" in chromium.find_element(By.TAG_NAME, "body").text
    assert chromium.find_elements(By.ID, "prompt") == []
