"""A permission: one IAM statement the stack grants, named, with the reason for every wildcard it holds.

Every statement the stack writes is such an entry in the list of the construct that grants it
(``infra/runtime/permissions.py``, ``infra/image/permissions.py``). The construct grants the list; cdk-nag's
acknowledgment of each wildcard carries the entry's reason; the docs' IAM table is made from the entries; and the
tests derive what they expect from the same lists. Adding a permission is adding one entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.nag import acknowledge_wildcards

T = TypeVar("T")

Conditions = Mapping[str, Mapping[str, str]]

ACTION = re.compile(r"[a-z0-9-]+:[A-Za-z0-9*]+")
"""``service:Action``, as IAM takes an action (``*`` matching any characters)."""


@dataclass(frozen=True)
class Permission(Generic[T]):
    """One IAM statement, its resources and conditions worked out from ``T``, what the grant is about.

    Attributes:
        name: What the statement allows, in words run together (``PullAgentImage``); its ``Sid`` unless ``sid``
            is False.
        actions: The IAM actions, as the policy lists them.
        resources: The ARNs the actions are allowed on. None at all means the permission is not granted for this
            deployment (no secrets to read, no memory to write to).
        scope: The resources (and any condition) in words, for the IAM table of the docs.
        conditions: The statement's ``Condition`` block, if it has one.
        wildcard: Why a resource holding ``*`` can be no narrower. Required for such a resource: cdk-nag's
            acknowledgment of the finding on it carries this reason.
        sid: Whether the template names the statement. False keeps a statement deployed without a ``Sid`` as it
            was: a ``Sid`` changes no permission, but it changes the template.
    """

    name: str
    actions: tuple[str, ...]
    resources: Callable[[T], Sequence[str]]
    scope: str
    conditions: Callable[[T], Conditions] | None = None
    wildcard: str = ""
    sid: bool = True

    def __post_init__(self) -> None:
        """Refuse an entry IAM would: an action is ``service:Action``."""
        malformed = [action for action in self.actions if not ACTION.fullmatch(action)]
        if not self.actions or malformed:
            raise ValueError(f"permission {self.name}: actions must be 'service:Action', got {list(self.actions)}")

    def statement(self, target: T) -> iam.PolicyStatement | None:
        """The statement for ``target``; None when it names no resource, so nothing is granted.

        Raises:
            ValueError: A resource holds a wildcard and the entry does not say why.
        """
        resources = list(self.resources(target))
        if not resources:
            return None
        if self.wildcards(target) and not self.wildcard:
            raise ValueError(
                f"permission {self.name} grants {self.wildcards(target)} without a reason: set its wildcard to why "
                "the resource can be no narrower, or name the resource"
            )
        return iam.PolicyStatement(
            sid=self.name if self.sid else None,
            actions=list(self.actions),
            resources=resources,
            conditions={key: dict(value) for key, value in self.conditions(target).items()}
            if self.conditions
            else None,
        )

    def wildcards(self, target: T) -> list[str]:
        """The resources of ``target``'s statement that hold a wildcard."""
        return [resource for resource in self.resources(target) if "*" in resource]


def on_any_resource(
    name: str,
    actions: tuple[str, ...],
    *,
    why: str,
    scope: str = " (no resource-level permission)",
    conditions: Callable[[Any], Conditions] | None = None,
    sid: bool = True,
) -> Permission[Any]:
    """A permission on ``*``: for actions that IAM authorizes on no narrower resource, ``why`` says so.

    Args:
        name: The entry's name (its ``Sid`` unless ``sid`` is False).
        actions: The IAM actions.
        why: Why ``*``: which actions support no resource-level permission, and what narrows them instead.
        scope: What follows ``*`` in the docs' table: why it, and any condition.
        conditions: The statement's ``Condition`` block, if it has one.
        sid: Whether the template names the statement.
    """
    return Permission(
        name=name,
        actions=actions,
        resources=lambda _: ["*"],
        scope=f"`*`{scope}",
        conditions=conditions,
        wildcard=why,
        sid=sid,
    )


def ecr_sign_in(name: str) -> Permission[Any]:
    """Signing in to ECR, which the execution role (to pull) and the build role (to push) both need."""
    return on_any_resource(
        name,
        ("ecr:GetAuthorizationToken",),
        why="ecr:GetAuthorizationToken supports no resource-level permission (Service Authorization Reference)",
    )


def statements(permissions: Iterable[Permission[T]], target: T) -> list[iam.PolicyStatement]:
    """The statements of ``permissions`` for ``target``, in their order, without those that name no resource."""
    return [statement for permission in permissions if (statement := permission.statement(target)) is not None]


def acknowledge(scope: Construct, permissions: Iterable[Permission[T]], target: T) -> None:
    """Acknowledge cdk-nag's finding on each wildcard of ``permissions`` on ``scope`` with the entries' reasons.

    Two entries with the same wildcard (``*`` for actions that support no resource) share one finding: its reason
    joins theirs.
    """
    reasons: dict[str, list[str]] = {}
    for permission in permissions:
        if permission.statement(target) is None:
            continue
        for resource in permission.wildcards(target):
            reasons.setdefault(resource, [])
            if permission.wildcard not in reasons[resource]:
                reasons[resource].append(permission.wildcard)
    acknowledge_wildcards(scope, {resource: "; ".join(why) for resource, why in reasons.items()})


def grant(role: iam.IRole, permissions: Sequence[Permission[T]], target: T) -> None:
    """Add each permission's statement to ``role``'s policy, and acknowledge its wildcards on the role."""
    for statement in statements(permissions, target):
        role.add_to_principal_policy(statement)
    acknowledge(role, permissions, target)


def markdown_table(permissions: Iterable[Permission[T]]) -> str:
    """The permissions as a Markdown table: the actions, and the resources in words."""
    rows = ["| Permission | Resource |", "| --- | --- |"]
    for permission in permissions:
        actions = ", ".join(f"`{action}`" for action in permission.actions)
        rows.append(f"| {actions} | {permission.scope} |")
    return "\n".join(rows) + "\n"
