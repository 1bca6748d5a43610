"""Secrets the deployment names, read from AWS Secrets Manager when the agent's code asks, never baked in anywhere.

The stack's ``agentSecrets`` setting maps a name the code uses (``WEATHER_API_KEY``) to a Secrets Manager secret
(its name or ARN); the container gets only that mapping (``SECRET_IDS``), its execution role may read only those
secrets, and ``make local`` passes the same mapping, so the local agent reads the same secrets with the developer's
credentials. A value is read on every call: a rotated secret is picked up at once, and no copy outlives its use.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from agent.settings import aws_region
from contract.deployment import SECRET_IDS_ENV


class SecretUnavailable(RuntimeError):
    """A secret could not be read; the message says which, why, and what to change (never the value)."""


def secret_value(name: str, *, env: Mapping[str, str] | None = None, client: Any = None) -> str:
    """The current value of the secret the deployment calls ``name`` (a string secret).

    Args:
        name: the key of ``agentSecrets`` in ``cdk.json`` (or ``-c agentSecrets=...``).
        env: where ``SECRET_IDS`` is read from (default: the process environment).
        client: a ``secretsmanager`` boto3 client (default: one for the agent's Region).

    Raises:
        SecretUnavailable: the deployment names no such secret, or Secrets Manager did not return it.
    """
    secret_id = secret_ids(env).get(name)
    if secret_id is None:
        raise SecretUnavailable(
            f"no secret is named {name!r} for this agent: add it to agentSecrets in cdk.json's context "
            f'(e.g. "agentSecrets": {{"{name}": "<secret name or ARN>"}}), then make deploy or make local again'
        )
    if client is None:
        import boto3  # imported when a tool first reads a secret, not when the agent starts

        client = boto3.client("secretsmanager", region_name=aws_region(env))
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        answer = client.get_secret_value(SecretId=secret_id)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Unknown")
        raise SecretUnavailable(f"secret {name!r} ({secret_id}) could not be read: {code}") from None
    except BotoCoreError as error:
        raise SecretUnavailable(f"secret {name!r} ({secret_id}) could not be read: {error}") from None
    if "SecretString" not in answer:
        raise SecretUnavailable(f"secret {name!r} ({secret_id}) holds binary data; store the value as a string")
    return answer["SecretString"]


def secret_ids(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The deployment's secrets: name the code uses -> Secrets Manager secret id (``SECRET_IDS``, a JSON object).

    Raises:
        SecretUnavailable: ``SECRET_IDS`` is not a JSON object of strings.
    """
    raw = (os.environ if env is None else env).get(SECRET_IDS_ENV)
    if not raw:
        return {}
    try:
        ids = json.loads(raw)
    except json.JSONDecodeError:
        ids = None
    if not isinstance(ids, dict) or not all(isinstance(value, str) for value in ids.values()):
        raise SecretUnavailable(f"{SECRET_IDS_ENV} must be a JSON object of names to secret ids, not {raw[:80]!r}")
    return ids
