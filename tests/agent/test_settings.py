"""The agent's settings come from the environment; a value it cannot use stops it with the variable to fix."""

from __future__ import annotations

import re

import pytest

from agent.settings import AgentSettings, ConfigurationError


def test_settings__come_from_the_environment():
    settings = AgentSettings.from_env(
        {
            "MODEL_ID": "us.amazon.nova-pro-v1:0",
            "AWS_REGION": "eu-west-1",
            "MAX_SESSIONS": "3",
            "SYSTEM_PROMPT": "Be brief.",
        }
    )

    assert settings.model_id == "us.amazon.nova-pro-v1:0"
    assert settings.region == "eu-west-1"
    assert settings.max_sessions == 3
    assert settings.system_prompt == "Be brief."


def test_settings__default_to_claude_sonnet_4_inference_profile():
    assert AgentSettings.from_env({}).model_id == "us.anthropic.claude-sonnet-4-20250514-v1:0"


def test_settings__reject_a_non_numeric_limit_naming_the_variable():
    with pytest.raises(ConfigurationError, match="MAX_SESSIONS='many' is not an integer"):
        AgentSettings.from_env({"MAX_SESSIONS": "many"})


def test_settings__call_bedrock_in_the_region_the_stack_names_before_aws_region():
    settings = AgentSettings.from_env({"BEDROCK_REGION": "us-west-2", "AWS_REGION": "eu-west-1"})

    assert settings.region == "us-west-2"


def test_settings__reject_a_non_positive_timeout_naming_the_variable():
    with pytest.raises(ConfigurationError, match="WEATHER_TIMEOUT_SECONDS='0' must be a positive number of seconds"):
        AgentSettings.from_env({"WEATHER_TIMEOUT_SECONDS": "0"})


def test_settings__read_how_long_a_record_waits_for_the_memory_write():
    assert AgentSettings.from_env({}).memory_record_wait_seconds == 5.0
    assert AgentSettings.from_env({"MEMORY_RECORD_WAIT_SECONDS": "0.5"}).memory_record_wait_seconds == 0.5
    with pytest.raises(
        ConfigurationError, match="MEMORY_RECORD_WAIT_SECONDS='-1' must be a positive number of seconds"
    ):
        AgentSettings.from_env({"MEMORY_RECORD_WAIT_SECONDS": "-1"})


def test_settings__read_the_limits_on_tools_and_connections():
    settings = AgentSettings.from_env(
        {
            "TOOL_TIMEOUT_SECONDS": "12.5",
            "CALCULATOR_TIMEOUT_SECONDS": "2",
            "CALCULATOR_MEMORY_MB": "300",
            "HEADER_TIMEOUT_SECONDS": "0.5",
            "MAX_CONNECTIONS": "7",
        }
    )

    assert settings.tool_timeout_seconds == 12.5
    assert settings.calculator_timeout_seconds == 2.0
    assert settings.calculator_memory_mb == 300
    assert settings.header_timeout_seconds == 0.5
    assert settings.max_connections == 7
    defaults = AgentSettings.from_env({})
    assert (defaults.tool_timeout_seconds, defaults.calculator_timeout_seconds, defaults.calculator_memory_mb) == (
        30.0,
        10.0,
        512,
    )
    assert (defaults.header_timeout_seconds, defaults.max_connections) == (5.0, 100)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TOOL_TIMEOUT_SECONDS", "0", "TOOL_TIMEOUT_SECONDS='0' must be a positive number of seconds"),
        ("CALCULATOR_TIMEOUT_SECONDS", "soon", "CALCULATOR_TIMEOUT_SECONDS='soon' is not a number"),
        ("CALCULATOR_MEMORY_MB", "0.5", "CALCULATOR_MEMORY_MB='0.5' is not an integer"),
        ("HEADER_TIMEOUT_SECONDS", "-1", "HEADER_TIMEOUT_SECONDS='-1' must be a positive number of seconds"),
        ("MAX_CONNECTIONS", "many", "MAX_CONNECTIONS='many' is not an integer"),
    ],
)
def test_settings__reject_an_unusable_limit_naming_the_variable(name, value, message):
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        AgentSettings.from_env({name: value})


DISCOVERY = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC/.well-known/openid-configuration"


def test_auth__unset_takes_requests_without_a_token():
    assert AgentSettings.from_env({}).auth is None


def test_auth__the_discovery_url_and_comma_separated_lists_come_from_the_environment():
    auth = AgentSettings.from_env(
        {
            "AUTH_DISCOVERY_URL": DISCOVERY,
            "AUTH_ALLOWED_CLIENTS": "client-a, client-b,",
            "AUTH_ALLOWED_AUDIENCES": "https://agent.example.com",
        }
    ).auth

    assert (auth.discovery_url, auth.allowed_clients, auth.allowed_audiences) == (
        DISCOVERY,
        ("client-a", "client-b"),
        ("https://agent.example.com",),
    )


def test_auth__plain_http_is_taken_for_a_provider_on_this_machine_only():
    local = "http://127.0.0.1:9000/.well-known/openid-configuration"

    assert (
        AgentSettings.from_env({"AUTH_DISCOVERY_URL": local, "AUTH_ALLOWED_CLIENTS": "c"}).auth.discovery_url == local
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {
                "AUTH_DISCOVERY_URL": "http://idp.example.com/.well-known/openid-configuration",
                "AUTH_ALLOWED_CLIENTS": "c",
            },
            "AUTH_DISCOVERY_URL: 'http://idp.example.com/.well-known/openid-configuration' is not an https",
        ),
        (
            {"AUTH_DISCOVERY_URL": "https://idp.example.com/oauth2", "AUTH_ALLOWED_CLIENTS": "c"},
            "is not a discovery URL: it ends in /.well-known/openid-configuration",
        ),
        ({"AUTH_DISCOVERY_URL": DISCOVERY}, "neither AUTH_ALLOWED_CLIENTS nor AUTH_ALLOWED_AUDIENCES is"),
        ({"AUTH_ALLOWED_CLIENTS": "c"}, "AUTH_ALLOWED_CLIENTS is set but AUTH_DISCOVERY_URL is not"),
    ],
    ids=["http elsewhere", "not a discovery URL", "no client nor audience", "clients without a provider"],
)
def test_auth__a_setting_that_cannot_work_stops_the_agent_naming_the_variable(env, message):
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        AgentSettings.from_env(env)
