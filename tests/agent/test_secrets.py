"""``agent.secrets``: the deployment's secrets, read from Secrets Manager (moto's, through real boto3) when asked."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from agent.secrets import SecretUnavailable, secret_ids, secret_value
from contract.deployment import MODEL_REGION_ENV, SECRET_IDS_ENV

REGION = "eu-west-1"


@pytest.fixture
def secrets_manager(monkeypatch, tmp_path):
    """moto's Secrets Manager in the stack's Region, with dummy credentials and no profile of this machine."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield boto3.client("secretsmanager", region_name=REGION)


def env_for(**ids: str) -> dict[str, str]:
    """The variables the stack (or ``make local``) gives the agent for these secrets."""
    return {SECRET_IDS_ENV: json.dumps(ids), MODEL_REGION_ENV: REGION}


def test_secret_value__reads_the_secret_the_deployment_names_in_the_agents_region(secrets_manager):
    secrets_manager.create_secret(Name="my-agent/weather-key", SecretString="s3cr3t")

    assert secret_value("WEATHER_API_KEY", env=env_for(WEATHER_API_KEY="my-agent/weather-key")) == "s3cr3t"


def test_secret_value__reads_by_arn_too(secrets_manager):
    arn = secrets_manager.create_secret(Name="shared/db-password", SecretString="hunter2")["ARN"]

    assert secret_value("DB_PASSWORD", env=env_for(DB_PASSWORD=arn)) == "hunter2"


def test_secret_value__a_rotated_secret_is_read_at_once(secrets_manager):
    secrets_manager.create_secret(Name="my-agent/weather-key", SecretString="old")
    env = env_for(WEATHER_API_KEY="my-agent/weather-key")
    secret_value("WEATHER_API_KEY", env=env)

    secrets_manager.put_secret_value(SecretId="my-agent/weather-key", SecretString="new")

    assert secret_value("WEATHER_API_KEY", env=env) == "new"


def test_secret_value__a_name_the_deployment_does_not_map_says_where_to_add_it(secrets_manager):
    with pytest.raises(SecretUnavailable, match=r"no secret is named 'API_KEY'.*agentSecrets in cdk\.json"):
        secret_value("API_KEY", env=env_for(OTHER="x/y"))


def test_secret_value__a_missing_secret_names_it_and_the_services_code(secrets_manager):
    with pytest.raises(SecretUnavailable, match=r"'API_KEY' \(gone/secret\) could not be read: ResourceNotFound"):
        secret_value("API_KEY", env=env_for(API_KEY="gone/secret"))


def test_secret_value__a_binary_secret_is_refused_with_the_fix(secrets_manager):
    secrets_manager.create_secret(Name="blob", SecretBinary=b"\x00\x01")

    with pytest.raises(SecretUnavailable, match="holds binary data; store the value as a string"):
        secret_value("BLOB", env=env_for(BLOB="blob"))


def test_secret_ids__none_without_the_variable_and_a_clear_error_for_a_broken_one():
    assert secret_ids({}) == {}
    with pytest.raises(SecretUnavailable, match=f"{SECRET_IDS_ENV} must be a JSON object"):
        secret_ids({SECRET_IDS_ENV: "KEY=a/b"})
