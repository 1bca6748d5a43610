"""The custom-resource handlers' IAM policies, read from the stack as the CDK synthesizes it for a runtime name.

A rename is a stack update from the template of one name to the template of another; what the handlers may do in
between is what these templates grant, so the lifecycle tests evaluate the real synthesized policies.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fakes.control_plane import ACCOUNT, REGION
from fakes.iam import Policy, role_policy
from infra.runtime.handler import properties as p

HANDLERS = ("on_event", "is_complete")
"""The Lambda handlers of the provider, by their function name in ``handler.py``."""


class StackTemplates:
    """The stack's template per runtime name (and other settings), synthesized once each (no bundling: the policies do
    not depend on it)."""

    def __init__(self, outdir: Path) -> None:
        self._outdir = outdir
        self._templates: dict[str, dict[str, Any]] = {}

    def template(self, runtime_name: str, **settings: Any) -> dict[str, Any]:
        key = runtime_name + (f"-{zlib.crc32(repr(sorted(settings.items())).encode()):08x}" if settings else "")
        if key not in self._templates:
            self._templates[key] = _synthesize(self._outdir / key, runtime_name, settings)
        return self._templates[key]

    def handler_policies(self, runtime_name: str, stack_id: str, **settings: Any) -> dict[str, Policy]:
        """Each handler's policy in the template for ``runtime_name`` (and ``settings``), in the stack ``stack_id``."""
        template = self.template(runtime_name, **settings)
        pseudo = {
            "AWS::Partition": "aws",
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackId": stack_id,
        }
        roles = handler_roles(template)
        return {handler: role_policy(template, roles[handler], pseudo) for handler in HANDLERS}


def handler_roles(template: Mapping[str, Any]) -> dict[str, str]:
    """Logical id of each handler's role."""
    roles = {}
    for resource in template["Resources"].values():
        properties = resource["Properties"]
        if resource["Type"] == "AWS::Lambda::Function" and properties.get("Handler", "").startswith("handler."):
            roles[properties["Handler"].removeprefix("handler.")] = properties["Role"]["Fn::GetAtt"][0]
    return roles


def handler_policy_resources(template: Mapping[str, Any]) -> set[str]:
    """Logical ids of the ``AWS::IAM::Policy`` resources attached to the handlers' roles."""
    roles = [{"Ref": role} for role in handler_roles(template).values()]
    return {
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::IAM::Policy" and any(role in resource["Properties"]["Roles"] for role in roles)
    }


def runtime_resource(template: Mapping[str, Any]) -> dict[str, Any]:
    (runtime,) = (r for r in template["Resources"].values() if r["Type"] == p.RESOURCE_TYPE)
    return runtime


def _synthesize(outdir: Path, runtime_name: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    from aws_cdk.assertions import Template

    from tests.infra.conftest import build_app

    _, stack = build_app(str(outdir), bundle=False, runtime_name=runtime_name, **settings)
    return Template.from_stack(stack).to_json()
