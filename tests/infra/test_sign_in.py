"""The ``auth`` setting in the template: nothing for ``iam``; a user pool and an authorizer naming it for ``cognito``;
the provider's authorizer for ``jwt``; and in both JWT modes, the agent told the same provider AgentCore is."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match, Template

from contract.agentcore import ACTOR_HEADER
from contract.auth import (
    AUTH_ALLOWED_AUDIENCES_ENV,
    AUTH_ALLOWED_CLIENTS_ENV,
    AUTH_DISCOVERY_URL_ENV,
    AUTHORIZATION_HEADER,
    LOGIN_PORTS,
    OUTPUT_AUTH_CLIENT_ID,
    OUTPUT_AUTH_DISCOVERY_URL,
    OUTPUT_LOGIN_DOMAIN,
    OUTPUT_USER_POOL_ID,
    WEB_CHAT_PORT,
)
from infra.auth.cognito import domain_prefix_name
from infra.runtime.handler import properties as p
from tests.infra.conftest import JWT_SETTINGS, build_app

AUTH_OUTPUTS = {OUTPUT_AUTH_DISCOVERY_URL, OUTPUT_AUTH_CLIENT_ID, OUTPUT_USER_POOL_ID, OUTPUT_LOGIN_DOMAIN}


def cognito_resources(template: Template) -> list[str]:
    return [resource["Type"] for resource in template.to_json()["Resources"].values() if "Cognito" in resource["Type"]]


def runtime_properties(template: Template) -> dict:
    (runtime,) = template.find_resources(p.RESOURCE_TYPE).values()
    return runtime["Properties"]


@pytest.fixture(scope="module")
def cognito(synthesized_cognito) -> Template:
    stack, _, _ = synthesized_cognito
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def jwt_template(synthesized_jwt) -> Template:
    stack, _, _ = synthesized_jwt
    return Template.from_stack(stack)


def test_iam__no_authorizer_no_user_pool_no_sign_in_outputs_and_no_authorization_header(template):
    properties = runtime_properties(template)

    assert p.AUTHORIZER_CONFIGURATION not in properties
    assert properties[p.REQUEST_HEADER_CONFIGURATION] == {"requestHeaderAllowlist": [ACTOR_HEADER]}
    assert not set(properties[p.ENVIRONMENT_VARIABLES]) & {AUTH_DISCOVERY_URL_ENV, AUTH_ALLOWED_CLIENTS_ENV}
    assert cognito_resources(template) == []
    assert not AUTH_OUTPUTS & set(template.find_outputs("*"))


def test_cognito__the_pool_takes_no_sign_up_and_requires_mfa_a_strong_password_and_email(cognito):
    cognito.has_resource(
        "AWS::Cognito::UserPool",
        {
            "DeletionPolicy": "Delete",
            "Properties": Match.object_like(
                {
                    "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
                    "MfaConfiguration": "ON",
                    "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
                    "UsernameAttributes": ["email"],
                    "UserPoolTier": "ESSENTIALS",
                    "Policies": {
                        "PasswordPolicy": {
                            "MinimumLength": 12,
                            "RequireLowercase": True,
                            "RequireUppercase": True,
                            "RequireNumbers": True,
                            "RequireSymbols": True,
                            "TemporaryPasswordValidityDays": 7,
                        }
                    },
                }
            ),
        },
    )


def test_cognito__the_app_client_is_public_code_flow_only_with_exactly_the_loopback_redirects(cognito):
    cognito.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        {
            "GenerateSecret": False,
            "AllowedOAuthFlows": ["code"],
            "AllowedOAuthFlowsUserPoolClient": True,
            "AllowedOAuthScopes": ["openid", "email", "profile"],
            "CallbackURLs": [
                *(f"http://localhost:{port}/callback" for port in LOGIN_PORTS),
                f"http://localhost:{WEB_CHAT_PORT}/auth/callback",
            ],
            "LogoutURLs": [f"http://localhost:{WEB_CHAT_PORT}/"],
            "SupportedIdentityProviders": ["COGNITO"],
            "PreventUserExistenceErrors": "ENABLED",
            "EnableTokenRevocation": True,
        },
    )


def test_cognito__managed_login_on_a_domain_of_the_stack_and_account_with_cognitos_branding(cognito):
    (client,) = cognito.find_resources("AWS::Cognito::UserPoolClient")

    cognito.has_resource_properties(
        "AWS::Cognito::UserPoolDomain",
        {"ManagedLoginVersion": 2, "Domain": "agentcoretest-123456789012"},
    )
    cognito.has_resource_properties(
        "AWS::Cognito::ManagedLoginBranding", {"UseCognitoProvidedValues": True, "ClientId": {"Ref": client}}
    )


def test_cognito__agentcore_and_the_agent_take_tokens_of_the_pools_client_with_authorization_forwarded(cognito):
    (pool,) = cognito.find_resources("AWS::Cognito::UserPool")
    (client,) = cognito.find_resources("AWS::Cognito::UserPoolClient")
    properties = runtime_properties(cognito)
    discovery = {"Fn::Join": ["", [{"Fn::GetAtt": [pool, "ProviderURL"]}, "/.well-known/openid-configuration"]]}

    assert properties[p.AUTHORIZER_CONFIGURATION] == {
        "customJWTAuthorizer": {"discoveryUrl": discovery, "allowedClients": [{"Ref": client}]}
    }
    assert properties[p.REQUEST_HEADER_CONFIGURATION]["requestHeaderAllowlist"] == [ACTOR_HEADER, AUTHORIZATION_HEADER]
    assert properties[p.ENVIRONMENT_VARIABLES][AUTH_DISCOVERY_URL_ENV] == discovery
    assert properties[p.ENVIRONMENT_VARIABLES][AUTH_ALLOWED_CLIENTS_ENV] == {"Ref": client}


def test_cognito__outputs_name_the_pool_its_client_the_login_domain_and_the_discovery_url(cognito):
    (pool,) = cognito.find_resources("AWS::Cognito::UserPool")
    (client,) = cognito.find_resources("AWS::Cognito::UserPoolClient")
    outputs = cognito.find_outputs("*")

    assert set(outputs) >= AUTH_OUTPUTS
    assert outputs[OUTPUT_USER_POOL_ID]["Value"] == {"Ref": pool}
    assert outputs[OUTPUT_AUTH_CLIENT_ID]["Value"] == {"Ref": client}
    assert "amazoncognito.com" in str(outputs[OUTPUT_LOGIN_DOMAIN]["Value"])
    assert (
        outputs[OUTPUT_AUTH_DISCOVERY_URL]["Value"]
        == runtime_properties(cognito)[p.AUTHORIZER_CONFIGURATION]["customJWTAuthorizer"]["discoveryUrl"]
    )


def test_jwt__agentcore_and_the_agent_take_the_providers_tokens_for_the_clients_and_audience_given(jwt_template):
    properties = runtime_properties(jwt_template)

    assert properties[p.AUTHORIZER_CONFIGURATION] == {
        "customJWTAuthorizer": {
            "discoveryUrl": JWT_SETTINGS["jwt_discovery_url"],
            "allowedClients": list(JWT_SETTINGS["jwt_allowed_clients"]),
            "allowedAudience": list(JWT_SETTINGS["jwt_allowed_audience"]),
        }
    }
    assert (
        properties[p.ENVIRONMENT_VARIABLES]
        | {
            AUTH_DISCOVERY_URL_ENV: JWT_SETTINGS["jwt_discovery_url"],
            AUTH_ALLOWED_CLIENTS_ENV: "0oa1b2c3d4e5",
            AUTH_ALLOWED_AUDIENCES_ENV: "api://agent",
        }
        == properties[p.ENVIRONMENT_VARIABLES]
    )
    assert AUTHORIZATION_HEADER in properties[p.REQUEST_HEADER_CONFIGURATION]["requestHeaderAllowlist"]
    assert cognito_resources(jwt_template) == []


def test_jwt__outputs_the_discovery_url_and_the_one_allowed_client(jwt_template):
    outputs = jwt_template.find_outputs("*")

    assert outputs[OUTPUT_AUTH_DISCOVERY_URL]["Value"] == JWT_SETTINGS["jwt_discovery_url"]
    assert outputs[OUTPUT_AUTH_CLIENT_ID]["Value"] == "0oa1b2c3d4e5"
    assert not {OUTPUT_USER_POOL_ID, OUTPUT_LOGIN_DOMAIN} & set(outputs)


def test_jwt__several_allowed_clients_name_no_client_for_login(tmp_path):
    settings = {**JWT_SETTINGS, "jwt_allowed_clients": ("web", "mobile")}
    _, stack = build_app(str(tmp_path), bundle=False, **settings)

    outputs = Template.from_stack(stack).find_outputs("*")

    assert OUTPUT_AUTH_DISCOVERY_URL in outputs
    assert OUTPUT_AUTH_CLIENT_ID not in outputs


@pytest.mark.parametrize(
    ("stack_name", "expected"),
    [
        ("AgentCoreStreamingAgent", "agentcorestreamingagent"),
        ("My_AWS_Cognito_Agent", "my-agent"),
        ("amazon", "agent"),
        ("x" * 60, "x" * 40),
    ],
)
def test_domain_prefix_name__is_what_cognito_takes_without_its_reserved_words(stack_name, expected):
    assert domain_prefix_name(stack_name) == expected
