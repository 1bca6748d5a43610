"""The page's names for what the relay sends are the Python side's: event types, problem kinds, the session header.

``app.js`` is plain JavaScript with no build step, so it cannot import ``contract.stream``; these tests read its source
instead. A type, kind or header renamed on one side and not the other fails here, not in a user's browser.
"""

from __future__ import annotations

import re

from client.web.problems import ProblemKind
from client.web.relay import ERROR_TYPE
from client.web.server import SESSION_ID_HEADER, STATIC_DIR
from contract.stream import ANSWER_EVENTS

APP_JS = (STATIC_DIR / "app.js").read_text(encoding="utf-8")


def test_page__handles_every_event_type_of_an_answer_and_the_relays_error_line_and_no_other():
    handled = set(re.findall(r'event\.type === "([^"]+)"', APP_JS))

    assert handled == {event.value for event in ANSWER_EVENTS} | {ERROR_TYPE}


def test_page__has_a_title_for_every_problem_kind_the_relay_sends_and_for_no_other():
    titles = re.search(r"const TITLES = \{(?P<body>.*?)\};", APP_JS, re.S)
    assert titles is not None, "app.js no longer declares its TITLES"

    titled = set(re.findall(r"^\s*(\w+):", titles.group("body"), re.M))

    assert titled == {kind.value for kind in ProblemKind}


def test_page__names_only_problem_kinds_the_relay_has_for_the_problems_it_finds_itself():
    named = set(re.findall(r'kind: "([^"]+)"', APP_JS))

    assert named
    assert named <= {kind.value for kind in ProblemKind}


def test_page__reads_the_session_from_the_relays_header():
    assert re.findall(r'headers\.get\("([^"]+)"\)', APP_JS) == [SESSION_ID_HEADER]
