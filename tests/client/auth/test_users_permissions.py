"""The documented policy for ``users`` grants exactly the calls it makes, with real actions and ARNs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contract.deployment import DEFAULT_STACK_NAME
from tests.client.cli.helpers import run
from tests.client.documented_policy import actions_granted, record_calls, unknown_actions

SIGNED_IN_USERS = Path(__file__).resolve().parents[3] / "docs" / "signed-in-users.md"
_SERVICES = {"cognito-idp": "cognito-idp", "cloudformation": "cloudformation"}
_ARN_FORMS = {
    "cloudformation:DescribeStacks": rf"arn:aws:cloudformation:REGION:ACCOUNT:stack/{DEFAULT_STACK_NAME}/\*",
    "cognito-idp": r"arn:aws:cognito-idp:REGION:ACCOUNT:userpool/USER_POOL_ID",
}


def granted() -> dict[str, list[str]]:
    return actions_granted(SIGNED_IN_USERS, "## Adding a user")


def test_permissions__every_action_is_an_operation_of_its_services_model():
    assert unknown_actions(granted(), _SERVICES) == []


def test_permissions__every_resource_is_the_stack_or_its_user_pool():
    for action, resources in granted().items():
        form = _ARN_FORMS.get(action) or _ARN_FORMS[action.split(":")[0]]
        assert resources and all(re.fullmatch(form, arn) for arn in resources), action


@pytest.fixture
def calls(monkeypatch):
    return record_calls(monkeypatch, _SERVICES)


def test_permissions__cover_exactly_what_users_add_list_and_remove_call(capsys, pool, calls):
    for argv in (["add", "ada@example.com"], ["list"], ["remove", "ada@example.com"]):
        assert run(capsys, "users", *argv)[0] == 0

    assert calls == set(granted())
