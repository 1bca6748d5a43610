"""``python -m client logout``: the kept sign-in is forgotten, and its refresh token revoked at the provider."""

from __future__ import annotations

import time

from client.auth import Login, LoginCache, SignIn, TokenSet
from contract.deployment import DEFAULT_STACK_NAME
from tests.client.cli.helpers import run
from tests.conftest import APP_CLIENT


def test_logout__revokes_the_refresh_token_and_forgets_the_login(capsys, oidc):
    alice = oidc.users["alice"]
    oidc.refresh_tokens["alices-refresh-token"] = (APP_CLIENT, alice)
    tokens = TokenSet(oidc.access_token(alice, APP_CLIENT), time.time() + 3600, "alices-refresh-token")
    LoginCache().save(Login(DEFAULT_STACK_NAME, SignIn(oidc.discovery_url, APP_CLIENT), tokens))

    code, _, err = run(capsys, "logout")

    assert code == 0
    assert err == f"signed out of stack {DEFAULT_STACK_NAME} (refresh token revoked)\n"
    assert "alices-refresh-token" not in oidc.refresh_tokens
    assert not LoginCache().path(DEFAULT_STACK_NAME).exists()


def test_logout__forgets_the_login_even_when_the_provider_cannot_be_reached(capsys):
    gone = "http://127.0.0.1:9/.well-known/openid-configuration"
    tokens = TokenSet("an-access-token", time.time() + 3600, "a-refresh-token")
    LoginCache().save(Login(DEFAULT_STACK_NAME, SignIn(gone, APP_CLIENT), tokens))

    code, _, err = run(capsys, "logout")

    assert code == 0
    assert "refresh token not revoked: cannot reach the sign-in provider" in err
    assert LoginCache().load(DEFAULT_STACK_NAME) is None


def test_logout__without_a_login_says_so(capsys):
    code, _, err = run(capsys, "logout", "--stack", "Other")

    assert (code, err) == (0, "not signed in to stack Other\n")
