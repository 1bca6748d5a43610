"""A conversation belongs to the verified user: no caller reads or writes another user's history, in process or in
AgentCore Memory, whatever session id or actor header it sends."""

from __future__ import annotations

import time

from contract.agentcore import ACTOR_HEADER
from contract.auth import user_reference
from fakes.memory_plane import MEMORY_ID
from fakes.sse import sse_values
from tests.agent.auth.conftest import ask
from tests.agent.helpers import SESSION_A
from tests.conftest import APP_CLIENT


def said(response) -> str:
    """The whole text answer (the model says back every prompt of the conversation so far)."""
    assert response.status_code == 200, response.text
    return "".join(sse_values(response.text.split("\n")))


def test_the_same_session_id_under_two_users__is_two_conversations(signed_in, oidc, http):
    url = signed_in()
    alice = oidc.access_token(oidc.users["alice"], APP_CLIENT)
    bob = oidc.access_token(oidc.users["bob"], APP_CLIENT)

    said(ask(http, url, alice, "alice's secret", session=SESSION_A))
    bobs = said(ask(http, url, bob, "bob's first", session=SESSION_A))
    alices = said(ask(http, url, alice, "alice again", session=SESSION_A))

    assert bobs == "bob's first"
    assert alices == "alice's secret | alice again"


def test_a_second_user_with_the_first_users_session_and_actor_header__is_refused_and_reads_nothing(
    signed_in, oidc, http
):
    url = signed_in()
    alice_user, bob_user = oidc.users["alice"], oidc.users["bob"]
    alice, bob = (oidc.access_token(user, APP_CLIENT) for user in (alice_user, bob_user))
    said(ask(http, url, alice, "alice's secret", session=SESSION_A))
    alices_actor = user_reference(oidc.url, alice_user.subject)

    as_alice = ask(http, url, bob, "what did alice say?", session=SESSION_A, **{ACTOR_HEADER: alices_actor})
    as_bob = said(ask(http, url, bob, "and now?", session=SESSION_A))

    assert as_alice.status_code == 403
    assert "alice's secret" not in as_alice.text
    assert as_bob == "and now?"


def test_memory__keeps_each_users_conversation_under_their_reference(signed_in, oidc, http, memory_plane):
    url = signed_in(memory_id=MEMORY_ID)
    users = {name: oidc.users[name] for name in ("alice", "bob")}

    for name, user in users.items():
        said(ask(http, url, oidc.access_token(user, APP_CLIENT), f"{name} speaking", session=SESSION_A))

    actors = {name: user_reference(oidc.url, user.subject) for name, user in users.items()}
    deadline = time.monotonic() + 10
    while len(memory_plane.events) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert set(memory_plane.events) == {(actors["alice"], SESSION_A), (actors["bob"], SESSION_A)}
    assert "alice speaking" in str(memory_plane.messages(actors["alice"], SESSION_A))
    assert "alice speaking" not in str(memory_plane.messages(actors["bob"], SESSION_A))


def test_memory__a_new_process_restores_each_users_own_conversation(signed_in, oidc, http, memory_plane):
    alice = oidc.access_token(oidc.users["alice"], APP_CLIENT)
    bob = oidc.access_token(oidc.users["bob"], APP_CLIENT)
    first = signed_in(memory_id=MEMORY_ID)
    said(ask(http, first, alice, "alice's first", session=SESSION_A))
    deadline = time.monotonic() + 10
    while not memory_plane.events and time.monotonic() < deadline:
        time.sleep(0.01)

    second = signed_in(memory_id=MEMORY_ID)

    assert said(ask(http, second, bob, "bob's first", session=SESSION_A)) == "bob's first"
    assert said(ask(http, second, alice, "alice's second", session=SESSION_A)) == "alice's first | alice's second"
