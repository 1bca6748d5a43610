"""Fixtures for the signed-in users' commands."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from contract.auth import OUTPUT_AUTH_DISCOVERY_URL, OUTPUT_USER_POOL_ID
from contract.deployment import DEFAULT_STACK_NAME, OUTPUT_RUNTIME_ARN


@pytest.fixture
def pool(agentcore, monkeypatch):
    """A user pool in moto, named by the stack's outputs as ``auth=cognito`` deploys them (read from the stand-in)."""
    core = agentcore(None)
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", core.url)
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    with mock_aws():
        cognito = boto3.client("cognito-idp", region_name="us-east-1")
        pool_id = cognito.create_user_pool(PoolName="users", UsernameAttributes=["email"])["UserPool"]["Id"]
        issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
        core.plane.stacks[DEFAULT_STACK_NAME] = {
            OUTPUT_RUNTIME_ARN: core.arn,
            OUTPUT_USER_POOL_ID: pool_id,
            OUTPUT_AUTH_DISCOVERY_URL: f"{issuer}/.well-known/openid-configuration",
        }
        yield cognito, pool_id, issuer, core
