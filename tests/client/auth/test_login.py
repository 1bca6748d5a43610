"""``python -m client login``: the authorization-code flow with PKCE on a real loopback redirect, end to end.

The provider is the local one, the stack's outputs come from the AgentCore stand-in, and the browser is an HTTP
client that signs in at the provider's form and follows its redirect back to the command's loopback server.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from client.auth import LoginCache, SignIn
from client.auth.pkce import challenge
from contract.auth import LOGIN_PORTS, user_reference
from contract.deployment import DEFAULT_STACK_NAME
from tests.client.cli.helpers import assert_one_error_line, run
from tests.client.conftest import browser, no_aws_credentials
from tests.conftest import APP_CLIENT


@pytest.fixture
def opened(monkeypatch):
    """Make ``webbrowser.open`` the given stand-in for the length of the test."""

    def use(stand_in) -> None:
        monkeypatch.setattr("webbrowser.open", stand_in)

    return use


def test_login__signs_in_keeps_the_tokens_for_the_stack_and_says_who(capsys, deployment, oidc, opened):
    alice = oidc.users["alice"]
    open_, answers = browser(oidc, alice)
    opened(open_)

    code, _, err = run(capsys, "login")

    login = LoginCache().load(DEFAULT_STACK_NAME)
    assert code == 0, err
    assert answers[0].status_code == 200
    assert "Signed in" in answers[0].text
    assert login.sign_in == SignIn(oidc.discovery_url, APP_CLIENT, runtime_arn=deployment.arn)
    assert login.tokens.refresh_token in oidc.refresh_tokens
    assert f"signed in to stack {DEFAULT_STACK_NAME} as {alice.email}" in err
    assert user_reference(oidc.url, alice.subject) in err


def test_login__the_cache_file_is_readable_by_its_user_only(capsys, deployment, oidc, opened):
    opened(browser(oidc, oidc.users["alice"])[0])

    assert run(capsys, "login")[0] == 0

    path = LoginCache().path(DEFAULT_STACK_NAME)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert "access_token" in json.loads(path.read_text())["tokens"]


def test_login__sends_a_pkce_s256_challenge_and_a_state_and_listens_on_the_first_registered_port(
    capsys, deployment, oidc, opened, login_ports
):
    seen = []

    def look(url: str) -> bool:
        seen.append(url)
        return browser(oidc, oidc.users["alice"])[0](url)

    opened(look)
    assert run(capsys, "login")[0] == 0

    query = parse_qs(urlsplit(seen[0]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 43
    assert query["redirect_uri"] == [f"http://localhost:{login_ports[0]}/callback"]


def test_login__a_redirect_with_another_state_is_refused_and_the_real_one_still_signs_in(
    capsys, deployment, oidc, opened
):
    forged = []

    def forge_first(location: str) -> None:
        real = urlsplit(location)
        forged.append(httpx.get(f"{real.scheme}://{real.netloc}{real.path}?code=attackers-code&state=guessed"))

    opened(browser(oidc, oidc.users["alice"], first=forge_first)[0])

    code, _, err = run(capsys, "login")

    assert code == 0, err
    assert forged[0].status_code == 400
    assert "Refused" in forged[0].text
    assert oidc.users["alice"].email in err


def test_login__an_intercepted_code_is_useless_without_the_verifier(capsys, deployment, oidc, opened):
    stolen = []

    def steal_first(location: str) -> None:
        code = parse_qs(urlsplit(location).query)["code"][0]
        stolen.append(
            httpx.post(
                f"{oidc.url}/token",
                data={
                    "grant_type": "authorization_code",
                    "client_id": APP_CLIENT,
                    "code": code,
                    "redirect_uri": location.split("?")[0],
                    "code_verifier": "the-thief-does-not-know-it-" + "x" * 30,
                },
            )
        )

    opened(browser(oidc, oidc.users["alice"], first=steal_first)[0])

    code, _, err = run(capsys, "login")

    assert stolen[0].status_code == 400
    assert stolen[0].json()["error"] == "invalid_grant"
    assert code == 5  # the provider spends a code once: the theft cost the user this sign-in, not their account
    assert err.splitlines()[-1] == "error: invalid_grant: unknown or used code"
    assert LoginCache().load(DEFAULT_STACK_NAME) is None


def test_login__the_next_port_when_the_first_is_taken(capsys, deployment, oidc, opened, login_ports):
    opened(browser(oidc, oidc.users["alice"])[0])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", login_ports[0]))
        taken.listen()

        code, _, err = run(capsys, "login")

    assert code == 0, err
    assert f"localhost%3A{login_ports[1]}" in err


def test_login__its_help_names_the_ports_the_stack_registers_as_callbacks(capsys):
    code, out, _ = run(capsys, "login", "--help")

    assert code == 0
    assert ", ".join(map(str, LOGIN_PORTS)) in " ".join(out.split())


def test_login__with_the_provider_given_needs_no_aws_credentials(capsys, deployment, oidc, opened, monkeypatch):
    no_aws_credentials(monkeypatch)
    opened(browser(oidc, oidc.users["bob"])[0])

    code, _, err = run(
        capsys, "login", "--discovery-url", oidc.discovery_url, "--client-id", APP_CLIENT, "--arn", deployment.arn
    )

    assert code == 0, err
    assert LoginCache().load(DEFAULT_STACK_NAME).sign_in.runtime_arn == deployment.arn


def test_login__a_sign_in_that_never_comes_back_gives_up_at_the_timeout(capsys, deployment, opened):
    opened(lambda url: True)

    code, _, err = run(capsys, "login", "--timeout", "0.3")

    assert code == 4
    assert "no sign-in came back" in err.splitlines()[-1]


def test_login__to_a_stack_that_takes_aws_credentials_says_so(capsys, deployment, opened):
    outputs = deployment.plane.stacks[DEFAULT_STACK_NAME]
    deployment.plane.stacks[DEFAULT_STACK_NAME] = {name: outputs[name] for name in ("RuntimeArn", "Region")}
    opened(lambda url: pytest.fail("no browser should open"))

    code, _, err = run(capsys, "login")

    assert code == 3
    assert_one_error_line(err, "takes AWS credentials, not signed-in users (it was deployed with auth=iam)")


def test_pkce__the_challenge_is_s256_as_rfc_7636s_own_example_has_it():
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

    assert challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
