"""The IAM policies the docs hand to users, read as the tests check them: against botocore's models and real calls.

Each documented policy is a ```json block under a heading; a test holds that its actions are the exact set of calls a
command makes, recorded below the SDK, so that the docs cannot drift from the code in either direction.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import botocore.client
import botocore.session
import pytest


def actions_granted(document: Path, heading: str) -> dict[str, list[str]]:
    """Each action the policy under ``heading`` allows, with the resources it allows it on."""
    section = document.read_text().split(heading, 1)[1]
    policy = json.loads(re.search(r"```json\n(.*?)```", section, re.DOTALL).group(1))
    actions: dict[str, list[str]] = {}
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        names = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        resources = [statement["Resource"]] if isinstance(statement["Resource"], str) else statement["Resource"]
        actions.update(dict.fromkeys(names, resources))
    return actions


def unknown_actions(actions: dict[str, list[str]], services: dict[str, str]) -> list[str]:
    """The actions that name no operation of their service's model; ``services`` maps an IAM prefix to its model."""
    models = botocore.session.get_session()
    return [
        action
        for action in actions
        if action.split(":")[1] not in models.get_service_model(services[action.split(":")[0]]).operation_names
    ]


def record_calls(monkeypatch: pytest.MonkeyPatch, services: dict[str, str]) -> set[str]:
    """Every AWS operation made from now on, as ``iam-prefix:Operation``; ``services`` maps a prefix to its model."""
    seen: set[str] = set()
    real = botocore.client.BaseClient._make_api_call
    prefixes = {service: prefix for prefix, service in services.items()}

    def record_call(self, operation, params):
        seen.add(f"{prefixes[self.meta.service_model.service_name]}:{operation}")
        return real(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record_call)
    return seen
