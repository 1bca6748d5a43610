"""``invoke`` and ``chat`` for a signed-in user: the bearer token instead of SigV4, through the AgentCore stand-in
(which checks the token as AgentCore does) to the agent (which checks it again), with no AWS credentials at all."""

from __future__ import annotations

import dataclasses
import time

import pytest

from agent.settings import AuthSettings
from client import Runtime
from client.auth import Login, LoginCache, SignIn, TokenSet
from contract.agentcore import ACTOR_HEADER
from contract.auth import user_reference
from contract.deployment import DEFAULT_STACK_NAME
from fakes.scripted_model import ScriptedModel, prompts_so_far
from tests.client.cli.helpers import assert_one_error_line, run
from tests.client.conftest import no_aws_credentials
from tests.conftest import APP_CLIENT


def test_invoke__with_a_bearer_token_streams_with_no_aws_credentials(capsys, deployment, oidc, monkeypatch):
    no_aws_credentials(monkeypatch)
    token = oidc.access_token(oidc.users["alice"], APP_CLIENT)

    code, out, err = run(capsys, "invoke", *deployment.target(), "--bearer-token", token, "Hello there")

    [seen] = deployment.plane.requests
    assert code == 0, err
    assert out == "Hello there"
    assert seen.authorization == f"Bearer {token}"
    assert seen.qualifier == "DEFAULT"
    assert seen.raw_path.startswith("/runtimes/arn%3Aaws%3Abedrock-agentcore%3A")


def test_invoke__takes_the_token_from_agentcore_bearer_token(capsys, deployment, oidc, monkeypatch):
    no_aws_credentials(monkeypatch)
    monkeypatch.setenv("AGENTCORE_BEARER_TOKEN", oidc.access_token(oidc.users["alice"], APP_CLIENT))

    code, out, _ = run(capsys, "invoke", *deployment.target(), "From the environment")

    assert (code, out) == (0, "From the environment")


def test_runtime__the_library_sends_a_bearer_token_and_decodes_as_with_sigv4(deployment, oidc, monkeypatch):
    no_aws_credentials(monkeypatch)
    token = oidc.access_token(oidc.users["alice"], APP_CLIENT)
    runtime = Runtime(deployment.arn, endpoint_url=deployment.url, bearer_token=lambda: token)

    stream = runtime.invoke('She said "hi"\n\\ back', stream="events")

    assert [value["type"] for value in stream] == ["text", "done"]
    assert runtime.invoke("plain", session_id=stream.session_id).text() == 'She said "hi"\n\\ back | plain'


@pytest.mark.parametrize(
    ("token_of", "status"),
    [
        (lambda oidc: oidc.access_token(oidc.users["alice"], APP_CLIENT, exp=int(time.time()) - 3600), 403),
        (lambda oidc: oidc.access_token(oidc.users["alice"], "another-app"), 403),
        (lambda oidc: "not-a-jwt", 403),
    ],
    ids=["expired", "another app's", "malformed"],
)
def test_invoke__a_refused_token_is_one_line_saying_so_and_how_to_get_another_and_nothing_is_resent(
    capsys, deployment, oidc, token_of, status
):
    code, out, err = run(capsys, "invoke", *deployment.target(), "--bearer-token", token_of(oidc), "Hello")

    assert (code, out) == (5, "")
    assert_one_error_line(err, f"the bearer token was refused (HTTP {status})", "get a new one with python -m client")
    assert len(deployment.plane.requests) == 1


def test_invoke__aws_credentials_for_a_runtime_that_takes_tokens_are_told_to_log_in(capsys, deployment):
    code, _, err = run(capsys, "invoke", *deployment.target(), "Hello")

    assert code == 5
    assert_one_error_line(err, "Authorization method mismatch", "run python -m client login")


def test_invoke__a_token_for_a_runtime_that_takes_aws_credentials_is_told_to_log_out(capsys, agentcore, oidc):
    core = agentcore(None)
    token = oidc.access_token(oidc.users["alice"], APP_CLIENT)

    code, _, err = run(capsys, "invoke", *core.target(), "--bearer-token", token, "Hello")

    assert code == 5
    assert_one_error_line(err, "the bearer token was refused (HTTP 403)", "auth=iam", "python -m client logout")


def test_header_allowlist__without_authorization_agentcore_strips_the_token_and_the_agent_refuses(
    capsys, deployment, oidc
):
    deployment.plane.header_allowlist = (ACTOR_HEADER,)
    token = oidc.access_token(oidc.users["alice"], APP_CLIENT)

    code, _, err = run(capsys, "invoke", *deployment.target(), "--bearer-token", token, "Hello")

    assert code == 5
    assert_one_error_line(err, "Received error (401) from runtime")


def test_invoke__an_actor_with_a_token_is_a_usage_error(capsys, deployment, oidc):
    token = oidc.access_token(oidc.users["alice"], APP_CLIENT)

    code, _, err = run(capsys, "invoke", *deployment.target(), "--bearer-token", token, "--actor", "bob", "Hi")

    assert code == 2
    assert "--actor does not apply to a signed-in user" in err


def test_invoke__a_stack_that_signs_users_in_without_a_login_is_told_to_log_in(capsys, deployment):
    code, _, err = run(capsys, "invoke", "Hello")

    assert code == 3
    assert_one_error_line(err, "signs users in", "run .venv/bin/python -m client login first")


def kept_login(oidc, user, *, expired: bool, refresh: str | None) -> Login:
    """A login as ``login`` keeps it, its access token expired or not."""
    tokens = TokenSet(
        access_token=oidc.access_token(user, APP_CLIENT),
        expires_at=time.time() + (-10 if expired else 3600),
        refresh_token=refresh,
    )
    return Login(DEFAULT_STACK_NAME, SignIn(oidc.discovery_url, APP_CLIENT), tokens)


def test_invoke__uses_the_kept_login_and_its_runtime_with_no_aws_credentials(capsys, deployment, oidc, monkeypatch):
    login = kept_login(oidc, oidc.users["alice"], expired=False, refresh=None)
    LoginCache().save(
        dataclasses.replace(login, sign_in=SignIn(oidc.discovery_url, APP_CLIENT, runtime_arn=deployment.arn))
    )
    no_aws_credentials(monkeypatch)

    code, out, err = run(capsys, "invoke", "Hello from the cache")

    assert (code, out) == (0, "Hello from the cache"), err
    assert deployment.plane.requests[0].authorization == f"Bearer {login.tokens.access_token}"


def test_chat__refreshes_an_expired_token_with_the_refresh_token_and_keeps_the_new_one(
    capsys, deployment, oidc, monkeypatch
):
    alice = oidc.users["alice"]
    oidc.refresh_tokens["alices-refresh-token"] = (APP_CLIENT, alice)
    stale = kept_login(oidc, alice, expired=True, refresh="alices-refresh-token")
    LoginCache().save(
        dataclasses.replace(stale, sign_in=SignIn(oidc.discovery_url, APP_CLIENT, runtime_arn=deployment.arn))
    )
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("first\nsecond\n"))

    code, out, err = run(capsys, "chat")

    kept = LoginCache().load(DEFAULT_STACK_NAME)
    assert code == 0, err
    assert out.splitlines() == ["first", "first | second"]
    assert oidc.requests["token"] == 1
    assert kept.tokens.access_token != stale.tokens.access_token
    assert kept.tokens.refresh_token == "alices-refresh-token"
    assert {request.authorization for request in deployment.plane.requests} == {f"Bearer {kept.tokens.access_token}"}


def test_invoke__an_expired_login_that_cannot_be_renewed_says_to_log_in_again(capsys, deployment, oidc):
    stale = kept_login(oidc, oidc.users["alice"], expired=True, refresh="revoked-long-ago")
    LoginCache().save(
        dataclasses.replace(stale, sign_in=SignIn(oidc.discovery_url, APP_CLIENT, runtime_arn=deployment.arn))
    )

    code, _, err = run(capsys, "invoke", "Hello")

    assert code == 3
    assert_one_error_line(err, "could not be renewed", "run python -m client login again")
    assert deployment.plane.requests == []


def test_invoke_url__sends_the_token_to_a_local_agent_that_asks_for_one(capsys, serve_agent, oidc):
    url = serve_agent(
        ScriptedModel([prompts_so_far], repeat=True), auth=AuthSettings(oidc.discovery_url, (APP_CLIENT,))
    )
    token = oidc.access_token(oidc.users["alice"], APP_CLIENT)

    answered = run(capsys, "invoke", "--url", url, "--bearer-token", token, "Hello local")
    refused = run(capsys, "invoke", "--url", url, "Hello local")

    assert answered[:2] == (0, "Hello local")
    assert refused[0] == 5
    assert_one_error_line(refused[2], "HTTP 401: this agent needs a bearer token", "python -m client login")


def test_user_reference__is_what_the_record_and_memory_name_the_signed_in_user_by(oidc):
    alice = oidc.users["alice"]
    tokens = TokenSet(oidc.access_token(alice, APP_CLIENT), expires_at=time.time() + 60)

    assert tokens.reference() == user_reference(oidc.url, alice.subject)
    assert tokens.who() == alice.username


def test_runtime__with_a_token_posts_to_agentcores_regional_https_endpoint_as_invoke_agent_runtime(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    no_aws_credentials(monkeypatch)
    arn = "arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/my_agent-AbCdEf1234"
    token = "the-users-token"
    runtime = Runtime(arn, bearer_token=token)
    sent = []

    def stop_before_sending(request, **_):
        sent.append(request)
        raise KeyboardInterrupt  # nothing leaves this machine

    runtime._client.meta.events.register("before-send.bedrock-agentcore.InvokeAgentRuntime", stop_before_sending)
    with pytest.raises(KeyboardInterrupt):
        runtime.invoke("Hello", session_id="session-" + "a" * 32)

    [request] = sent
    assert request.url == (
        "https://bedrock-agentcore.eu-west-1.amazonaws.com/runtimes/"
        "arn%3Aaws%3Abedrock-agentcore%3Aeu-west-1%3A123456789012%3Aruntime%2Fmy_agent-AbCdEf1234/invocations"
        "?qualifier=DEFAULT"
    )
    assert request.headers["Authorization"] == f"Bearer {token}".encode()
    assert request.headers["X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"] == b"session-" + b"a" * 32
