"""The documented policy for ``users`` grants exactly the calls it makes, with real actions and ARNs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import botocore.client
import botocore.session
import pytest

from contract.deployment import DEFAULT_STACK_NAME
from tests.client.cli.helpers import run

SIGNED_IN_USERS = Path(__file__).resolve().parents[3] / "docs" / "signed-in-users.md"
_SERVICES = {"cognito-idp": "cognito-idp", "cloudformation": "cloudformation"}
_ARN_FORMS = {
    "cloudformation:DescribeStacks": rf"arn:aws:cloudformation:REGION:ACCOUNT:stack/{DEFAULT_STACK_NAME}/\*",
    "cognito-idp": r"arn:aws:cognito-idp:REGION:ACCOUNT:userpool/USER_POOL_ID",
}


def granted() -> dict[str, str]:
    section = SIGNED_IN_USERS.read_text().split("## Adding a user", 1)[1]
    policy = json.loads(re.search(r"```json\n(.*?)```", section, re.DOTALL).group(1))
    actions = {}
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        names = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        actions.update(dict.fromkeys(names, statement["Resource"]))
    return actions


def test_permissions__every_action_is_an_operation_of_its_services_model():
    models = botocore.session.get_session()
    for action in granted():
        prefix, operation = action.split(":")
        assert operation in models.get_service_model(_SERVICES[prefix]).operation_names, action


def test_permissions__every_resource_is_the_stack_or_its_user_pool():
    for action, resource in granted().items():
        assert re.fullmatch(_ARN_FORMS.get(action) or _ARN_FORMS[action.split(":")[0]], resource), action


@pytest.fixture
def calls(monkeypatch):
    seen: set[str] = set()
    real = botocore.client.BaseClient._make_api_call

    def record_call(self, operation, params):
        seen.add(f"{self.meta.service_model.signing_name}:{operation}")
        return real(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record_call)
    return seen


def test_permissions__cover_exactly_what_users_add_list_and_remove_call(capsys, pool, calls):
    for argv in (["add", "ada@example.com"], ["list"], ["remove", "ada@example.com"]):
        assert run(capsys, "users", *argv)[0] == 0

    assert calls == set(granted())
