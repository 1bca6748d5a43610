"""cdk-nag acknowledgments that name exactly one finding each, so a new wildcard is never silently covered."""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from constructs import Construct


def acknowledge_wildcards(scope: Construct, reasons: Mapping[str, str]) -> None:
    """Acknowledge cdk-nag's AwsSolutions-IAM5 finding for each of these resources, one by one, with its reason."""
    validations = cdk.Validations.of(scope)
    for resource, reason in reasons.items():
        validations.acknowledge(
            cdk.Acknowledgment(id=f"AwsSolutions-IAM5[Resource::{as_nag_renders(scope, resource)}]", reason=reason)
        )


def as_nag_renders(scope: Construct, value: str) -> str:
    """The ARN as cdk-nag names it in a finding: ``<AWS::Partition>`` for a Ref, ``<Logical.Attr>`` for a GetAtt."""
    resolved = cdk.Stack.of(scope).resolve(value)
    parts = resolved["Fn::Join"][1] if isinstance(resolved, dict) and "Fn::Join" in resolved else [resolved]
    rendered = []
    for part in parts:
        if isinstance(part, str):
            rendered.append(part)
        elif "Ref" in part:
            rendered.append(f"<{part['Ref']}>")
        else:
            rendered.append("<{}.{}>".format(*part["Fn::GetAtt"]))
    return "".join(rendered)
