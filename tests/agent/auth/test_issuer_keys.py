"""The issuer's keys: fetched once, fetched again once for a rotated key, and no request served without them."""

from __future__ import annotations

from agent.auth import issuer
from fakes.live_server import free_port
from tests.agent.auth.conftest import ask
from tests.conftest import APP_CLIENT


def test_keys__are_fetched_once_for_many_requests(signed_in, oidc, http):
    url = signed_in()
    token = oidc.access_token(oidc.users["alice"], APP_CLIENT)

    statuses = [ask(http, url, token).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert (oidc.requests["discovery"], oidc.requests["jwks"]) == (1, 1)


def test_a_rotated_key__is_fetched_once_and_its_tokens_are_answered(signed_in, oidc, http):
    url = signed_in()
    alice = oidc.users["alice"]
    assert ask(http, url, oidc.access_token(alice, APP_CLIENT)).status_code == 200

    oidc.rotate_keys()
    first, second = (ask(http, url, oidc.access_token(alice, APP_CLIENT)) for _ in range(2))

    assert (first.status_code, second.status_code) == (200, 200)
    assert oidc.requests["jwks"] == 2


def test_made_up_key_ids__fetch_the_keys_again_at_most_once_per_interval(signed_in, oidc, http):
    url = signed_in()
    alice = oidc.users["alice"]
    assert ask(http, url, oidc.access_token(alice, APP_CLIENT)).status_code == 200
    claims = oidc.access_claims(alice, APP_CLIENT)

    statuses = [ask(http, url, oidc.sign(claims, kid=f"made-up-{n}")).status_code for n in range(5)]

    assert statuses == [401] * 5
    assert oidc.requests["jwks"] == 2


def test_a_provider_that_is_down__gets_503_and_never_an_answer_then_is_served_once_back(signed_in, oidc, http):
    url = signed_in()
    token = oidc.access_token(oidc.users["alice"], APP_CLIENT)
    oidc.available = False

    down = ask(http, url, token)
    oidc.available = True
    back = ask(http, url, token)

    assert down.status_code == 503
    assert "cannot check bearer tokens right now" in down.json()["error"]
    assert "answered HTTP 503" in down.json()["error"]
    assert back.status_code == 200


def test_jwks_down_for_a_new_key__gets_503_while_known_keys_still_serve(signed_in, oidc, http, monkeypatch):
    monkeypatch.setattr(issuer, "REFETCH_INTERVAL_SECONDS", 0.0)
    url = signed_in()
    alice = oidc.users["alice"]
    known = oidc.access_token(alice, APP_CLIENT)
    assert ask(http, url, known).status_code == 200
    oidc.rotate_keys()
    oidc.available = False

    rotated = ask(http, url, oidc.access_token(alice, APP_CLIENT))
    still = ask(http, url, known)

    assert rotated.status_code == 503
    assert still.status_code == 200


def test_a_discovery_url_nobody_answers__gets_503(serve_agent, oidc, http):
    from agent.settings import AuthSettings
    from fakes.scripted_model import ScriptedModel

    nowhere = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    url = serve_agent(ScriptedModel([["never"]], repeat=True), auth=AuthSettings(nowhere, (APP_CLIENT,)))

    response = ask(http, url, oidc.access_token(oidc.users["alice"], APP_CLIENT))

    assert response.status_code == 503
    assert "could not be fetched (ConnectError" in response.json()["error"]
