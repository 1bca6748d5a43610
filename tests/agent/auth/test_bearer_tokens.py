"""The agent checks every bearer token itself, behind AgentCore: each hostile token is refused before anything runs.

Every token here is sent over real HTTP to the real app, which fetches the local provider's discovery document and
keys. A refusal is JSON (``error`` and ``hint``), is 401 for anything that is not a valid token of the provider and
403 for a valid token of an application that may not call the agent, and comes before any session is touched or the
model is called.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from contract.agentcore import ACTOR_HEADER
from contract.auth import user_reference
from fakes.oidc_provider import new_rsa_key
from fakes.scripted_model import ScriptedModel
from tests.agent.auth.conftest import ask
from tests.agent.helpers import SESSION_A, Stdout
from tests.conftest import APP_CLIENT


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(claims: dict) -> str:
    """``alg: none``: a token with no signature at all."""
    return f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{_b64(json.dumps(claims).encode())}."


def hmac_with_public_key(oidc, claims: dict) -> str:
    """HS256 "signed" with the provider's public key as the secret: verifies only if the verifier lets HMAC in."""
    public = oidc.signing_key.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": oidc.signing_key.kid}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def hostile(oidc, case: str) -> str | None:
    """The token of each hostile case, made for alice of the allowed client unless the case is about that."""
    alice = oidc.users["alice"]
    claims = oidc.access_claims(alice, APP_CLIENT)
    now = int(time.time())
    return {
        "missing": None,
        "malformed": "not-a-jwt",
        "expired": oidc.access_token(alice, APP_CLIENT, iat=now - 7200, exp=now - 3600),
        "not yet valid": oidc.access_token(alice, APP_CLIENT, nbf=now + 3600),
        "foreign key": oidc.sign(claims, key=new_rsa_key()),
        "unknown key id": oidc.sign(claims, key=new_rsa_key(), kid="someone-elses-key"),
        "alg none": unsigned(claims),
        "hmac with the public key": hmac_with_public_key(oidc, claims),
        "wrong issuer": oidc.access_token(alice, APP_CLIENT, iss="https://cognito-idp.us-east-1.amazonaws.com/other"),
        "no subject": oidc.access_token(alice, APP_CLIENT, sub=None),
        "no expiry": oidc.access_token(alice, APP_CLIENT, exp=None),
    }[case]


REFUSED_401 = {
    "missing": "needs a bearer token",
    "malformed": "is not a JWT",
    "expired": "has expired",
    "not yet valid": "is not valid yet",
    "foreign key": "signature does not verify",
    "unknown key id": "a key ('someone-elses-key') its issuer does not publish",
    "alg none": "signed with 'none'",
    "hmac with the public key": "signed with 'HS256'",
    "wrong issuer": "was not issued by",
    "no subject": "not valid",
    "no expiry": "not valid",
}


def test_a_valid_access_token__is_answered(signed_in, oidc, http):
    url = signed_in()

    response = ask(http, url, oidc.access_token(oidc.users["alice"], APP_CLIENT), "Hello there")

    assert response.status_code == 200, response.text
    assert 'data: "Hello there"' in response.text


@pytest.mark.parametrize("case", REFUSED_401)
def test_a_hostile_token__is_refused_with_401_before_the_model_runs(signed_in, oidc, http, agent_records, case):
    model = ScriptedModel([["never said"]], repeat=True)
    url = signed_in(model=model)

    response = ask(http, url, hostile(oidc, case), session=SESSION_A)

    assert response.status_code == 401, response.text
    assert REFUSED_401[case] in response.json()["error"]
    assert "python -m client login" in response.json()["hint"]
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert model.calls == []
    record = Stdout(agent_records).record()
    assert (record["outcome"], record["status"], "user" in record) == ("refused", 401, False)


def test_a_token_that_is_no_bearer_credential__is_refused_with_401(signed_in, oidc, http):
    token = oidc.access_token(oidc.users["alice"], APP_CLIENT)
    url = signed_in()

    response = http.post(f"{url}/invocations", json={"prompt": "Hi"}, headers={"Authorization": f"Basic {token}"})

    assert response.status_code == 401
    assert "needs a bearer token" in response.json()["error"]


def test_a_token_of_a_client_not_allowed__is_refused_with_403_naming_the_client(signed_in, oidc, http, agent_records):
    model = ScriptedModel([["never said"]], repeat=True)
    url = signed_in(model=model)
    alice = oidc.users["alice"]

    response = ask(http, url, oidc.access_token(alice, "another-app"))

    assert response.status_code == 403
    assert "client 'another-app', which may not invoke this agent" in response.json()["error"]
    assert model.calls == []
    record = Stdout(agent_records).record()
    assert record["user"] == user_reference(oidc.url, alice.subject)


def test_an_id_token__has_no_client_id_so_a_client_allowlist_refuses_it(signed_in, oidc, http):
    url = signed_in()

    response = ask(http, url, oidc.id_token(oidc.users["alice"], APP_CLIENT))

    assert response.status_code == 403
    assert "client None" in response.json()["error"]


def test_audiences__a_token_for_an_allowed_audience_is_answered_and_one_for_another_is_refused(signed_in, oidc, http):
    url = signed_in(clients=(), audiences=("https://agent.example.com",))
    alice = oidc.users["alice"]

    allowed = ask(http, url, oidc.access_token(alice, APP_CLIENT, aud=["https://agent.example.com", "other"]))
    refused = ask(http, url, oidc.access_token(alice, APP_CLIENT, aud="https://billing.example.com"))

    assert allowed.status_code == 200, allowed.text
    assert refused.status_code == 403
    assert "audience 'https://billing.example.com'" in refused.json()["error"]


def test_a_token_with_an_hmac_key_in_the_jwks__is_still_refused(signed_in, oidc, http):
    # Even a JWKS that (wrongly) publishes an HMAC key cannot make HS256 acceptable: the algorithm is refused first.
    secret = b"a-shared-secret-that-leaked-somewhere"
    claims = oidc.access_claims(oidc.users["alice"], APP_CLIENT)
    token = jwt.encode(claims, secret, algorithm="HS256", headers={"kid": "hmac-key"})
    url = signed_in()

    response = ask(http, url, token)

    assert response.status_code == 401
    assert "signed with 'HS256'" in response.json()["error"]


def test_the_actor_header__is_refused_with_403_even_with_a_valid_token(signed_in, oidc, http):
    url = signed_in()
    token = oidc.access_token(oidc.users["bob"], APP_CLIENT)

    response = ask(http, url, token, session=SESSION_A, **{ACTOR_HEADER: "alice"})

    assert response.status_code == 403
    assert f"header {ACTOR_HEADER} is not taken here" in response.json()["error"]


def test_ping__needs_no_token(signed_in, http):
    url = signed_in()

    assert http.get(f"{url}/ping").json()["status"] in ("Healthy", "HealthyBusy")


def test_a_request_without_a_token__is_refused_before_its_body_is_looked_at(signed_in, oidc, http):
    url = signed_in(max_prompt_chars=10)
    token = oidc.access_token(oidc.users["alice"], APP_CLIENT)

    refused = http.post(f"{url}/invocations", content=b"{" * 10_000, headers={"Content-Type": "application/json"})
    answered = ask(http, url, token, "next")  # on the same connection

    assert refused.status_code == 401
    assert "connection" not in refused.headers
    assert answered.status_code == 200


def test_a_refused_request_with_a_large_body__closes_the_connection(signed_in, http):
    url = signed_in()

    response = http.post(f"{url}/invocations", content=b" " * 200_000, headers={"Content-Type": "application/json"})

    assert response.status_code == 401
    assert response.headers["connection"] == "close"


def test_the_record__names_the_user_by_reference_and_holds_neither_token_nor_email(
    signed_in, oidc, http, agent_records
):
    alice = oidc.users["alice"]
    token = oidc.access_token(alice, APP_CLIENT)
    url = signed_in()

    assert ask(http, url, token, session=SESSION_A).status_code == 200

    assert Stdout(agent_records).record()["user"] == user_reference(oidc.url, alice.subject)
    [line] = agent_records
    assert token not in line
    assert alice.email not in line
    assert alice.subject not in line
