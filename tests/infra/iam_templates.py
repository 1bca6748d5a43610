"""Reading IAM out of a synthesized template, and rendering the permission lists the same way to compare with it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

from infra.permission import Permission, statements
from tests.infra.conftest import ACCOUNT, REGION

PARTITION = {"Ref": "AWS::Partition"}

Grant = tuple[str, str, str]
"""One action on one resource under one condition block (JSON): what IAM evaluates, however statements are split."""


def arn(service: str, resource: str, region: str = REGION, account: str = ACCOUNT) -> dict[str, Any]:
    """An ARN as the template writes it for the test stack's account and Region."""
    return {"Fn::Join": ["", ["arn:", PARTITION, f":{service}:{region}:{account}:{resource}"]]}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policies(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    """Statements of every AWS::IAM::Policy attached to the roles whose logical id starts with ``role_prefix``."""
    found = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        roles = [role["Ref"] for role in policy["Properties"]["Roles"]]
        if any(role.startswith(role_prefix) for role in roles):
            found.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return found


def default_policy(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    """Statements of the default policy of the role whose logical id starts with ``role_prefix``."""
    (policy,) = (
        policy
        for logical_id, policy in template.find_resources("AWS::IAM::Policy").items()
        if logical_id.startswith(f"{role_prefix}DefaultPolicy")
    )
    return policy["Properties"]["PolicyDocument"]["Statement"]


def by_sid(statements_: Iterable[dict[str, Any]]) -> dict[str | None, dict[str, Any]]:
    return {statement.get("Sid"): statement for statement in statements_}


def grants(statements_: Iterable[dict[str, Any]]) -> set[Grant]:
    """Every (action, resource, condition) the statements allow."""
    return {
        (action, json.dumps(resource, sort_keys=True), json.dumps(statement.get("Condition"), sort_keys=True))
        for statement in statements_
        for action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    }


def rendered(stack: cdk.Stack, permissions: Iterable[Permission[Any]], target: Any) -> list[dict[str, Any]]:
    """The permissions' statements for ``target`` as the template holds them."""
    return [stack.resolve(statement.to_statement_json()) for statement in statements(permissions, target)]


def named(permissions: Iterable[Permission[Any]], target: Any) -> set[str]:
    """The Sids the permissions granted for ``target`` write into the template."""
    return {permission.name for permission in permissions if permission.sid and permission.statement(target)}
