"""``python -m client users``: the stack's Cognito user pool administered through real boto3 against moto."""

from __future__ import annotations

import pytest

from contract.auth import user_reference
from contract.deployment import DEFAULT_STACK_NAME, OUTPUT_RUNTIME_ARN
from tests.client.cli.helpers import assert_one_error_line, run


def emails(cognito, pool_id) -> set[str]:
    users = cognito.list_users(UserPoolId=pool_id)["Users"]
    return {a["Value"] for user in users for a in user["Attributes"] if a["Name"] == "email"}


def test_users_add__creates_the_user_with_a_verified_email_and_an_emailed_invitation(capsys, pool):
    cognito, pool_id, _, _ = pool

    code, _, err = run(capsys, "users", "add", "ada@example.com")

    [user] = cognito.list_users(UserPoolId=pool_id)["Users"]
    attributes = {attribute["Name"]: attribute["Value"] for attribute in user["Attributes"]}
    assert code == 0, err
    assert (attributes["email"], attributes["email_verified"]) == ("ada@example.com", "true")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert "Cognito has emailed a temporary password" in err


def test_users_list__one_line_each_with_status_and_the_reference_their_records_carry(capsys, pool):
    cognito, pool_id, issuer, _ = pool
    run(capsys, "users", "add", "ada@example.com")
    sub = next(
        a["Value"] for a in cognito.list_users(UserPoolId=pool_id)["Users"][0]["Attributes"] if a["Name"] == "sub"
    )

    code, out, _ = run(capsys, "users", "list")

    [line] = out.splitlines()
    assert code == 0
    assert line.split()[:3] == ["ada@example.com", "FORCE_CHANGE_PASSWORD", "enabled"]
    assert line.split()[-1] == user_reference(issuer, sub)


def test_users_remove__deletes_the_user(capsys, pool):
    cognito, pool_id, _, _ = pool
    run(capsys, "users", "add", "ada@example.com")
    run(capsys, "users", "add", "bob@example.com")

    code, _, err = run(capsys, "users", "remove", "ada@example.com")

    assert code == 0, err
    assert emails(cognito, pool_id) == {"bob@example.com"}


def test_users_add__a_user_twice_is_refused_in_words(capsys, pool):
    run(capsys, "users", "add", "ada@example.com")

    code, _, err = run(capsys, "users", "add", "ada@example.com")

    assert code == 5
    assert_one_error_line(err, "ada@example.com is already a user")


def test_users_remove__someone_who_is_no_user_is_said_in_words(capsys, pool):
    code, _, err = run(capsys, "users", "remove", "nobody@example.com")

    assert code == 5
    assert_one_error_line(err, "no user nobody@example.com")


def test_users__a_stack_without_a_user_pool_says_how_its_users_sign_in(capsys, pool):
    _, _, _, core = pool
    core.plane.stacks[DEFAULT_STACK_NAME] = {OUTPUT_RUNTIME_ARN: core.arn}

    code, _, err = run(capsys, "users", "list")

    assert code == 3
    assert_one_error_line(err, "has no UserPoolId output", "-c auth=cognito", "--user-pool-id")


@pytest.mark.parametrize(("argv", "problem"), [(["add"], "users add needs EMAIL"), (["list", "x@y"], "takes no EMAIL")])
def test_users__a_missing_or_extra_email_is_a_usage_error(capsys, pool, argv, problem):
    code, _, err = run(capsys, "users", *argv)

    assert code == 2
    assert problem in err
