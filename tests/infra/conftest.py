"""Fixtures for the infrastructure tests: stubbed AWS clients, synthesized stacks, no AWS account, no Docker."""

from __future__ import annotations

import os
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")

# One attempt per call: each stubbed response or error is what the handler sees, with no retry in between.
NO_RETRIES = Config(retries={"mode": "standard", "max_attempts": 1})


def stubbed_client(service: str) -> boto3.client:
    return boto3.client(
        service,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - a dummy; the Stubber answers before anything is signed
        config=NO_RETRIES,
    )


@pytest.fixture
def control():
    """A real bedrock-agentcore-control client; pair it with ``stubber``."""
    return stubbed_client("bedrock-agentcore-control")


@pytest.fixture
def stubber(control) -> Iterator[Stubber]:
    """Validates every request against the service model and fails the test on unexpected or missing calls."""
    with Stubber(control) as stub:
        yield stub
        stub.assert_no_pending_responses()
