"""What ``make deploy``'s preflight checks of the VPC settings, with the user's credentials: the ids synth cannot.

Synth takes the subnet and security group ids on trust (it runs offline); AgentCore would find out minutes into the
deploy, or fail the runtime later. Here, before anything is deployed: the subnets exist, are in one VPC (``vpcId``'s
when it is given), and in Availability Zones AgentCore supports in VPC mode; the security groups exist, in that VPC.
Each problem is one line naming the ids it is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

SUPPORTED_ZONES = {
    "us-east-1": ("use1-az1", "use1-az2", "use1-az4"),
    "us-east-2": ("use2-az1", "use2-az2", "use2-az3"),
    "us-west-2": ("usw2-az1", "usw2-az2", "usw2-az3"),
    "ap-southeast-2": ("apse2-az1", "apse2-az2", "apse2-az3"),
    "ap-south-1": ("aps1-az1", "aps1-az2", "aps1-az3"),
    "ap-southeast-1": ("apse1-az1", "apse1-az2", "apse1-az3"),
    "ap-northeast-1": ("apne1-az1", "apne1-az2", "apne1-az4"),
    "eu-west-1": ("euw1-az1", "euw1-az2", "euw1-az3"),
    "eu-central-1": ("euc1-az1", "euc1-az2", "euc1-az3"),
}
"""The Availability Zone ids where AgentCore Runtime supports VPC mode, by Region (AWS guide "Configure Amazon Bedrock
AgentCore Runtime and tools for VPC", Supported Availability Zones). A Region the guide does not list is not
checked: the preflight says so."""


@dataclass(frozen=True)
class VpcSettings:
    """The deployment's VPC settings, as the preflight checks them."""

    subnets: Sequence[str]
    security_groups: Sequence[str] = ()
    vpc_id: str | None = None


def problems(ec2: Any, region: str, vpc: VpcSettings) -> list[str]:
    """What would make AgentCore refuse the runtime's network, each with the ids it is about; empty means go."""
    try:
        subnets = _described(ec2, "describe_subnets", "subnet-id", "Subnets", vpc.subnets)
        groups = _described(ec2, "describe_security_groups", "group-id", "SecurityGroups", vpc.security_groups)
    except (ClientError, BotoCoreError) as error:
        return [
            f"could not check vpcSubnets and vpcSecurityGroups ({error}). Fix: grant ec2:DescribeSubnets and "
            "ec2:DescribeSecurityGroups, or check them in the EC2 console"
        ]
    found = _missing("vpcSubnets", vpc.subnets, subnets, "SubnetId")
    found += _missing("vpcSecurityGroups", vpc.security_groups, groups, "GroupId")
    vpcs = sorted({subnet["VpcId"] for subnet in subnets})
    if len(vpcs) > 1:
        found.append(f"vpcSubnets are in {len(vpcs)} VPCs ({', '.join(vpcs)}); AgentCore takes subnets of one VPC")
    expected = vpc.vpc_id or (vpcs[0] if len(vpcs) == 1 else None)
    if expected:
        found += _outside(expected, "vpcSubnets", subnets, "SubnetId")
        found += _outside(expected, "vpcSecurityGroups", groups, "GroupId")
    found += _unsupported_zones(region, subnets)
    return found


def _described(ec2: Any, operation: str, id_filter: str, key: str, ids: Sequence[str]) -> list[dict[str, Any]]:
    """The ones of ``ids`` that exist: a filter, unlike ids, answers those it finds without failing on the others."""
    if not ids:
        return []
    pages = ec2.get_paginator(operation).paginate(Filters=[{"Name": id_filter, "Values": list(ids)}])
    return [item for page in pages for item in page[key]]


def _missing(setting: str, ids: Sequence[str], found: list[dict[str, Any]], id_key: str) -> list[str]:
    missing = sorted(set(ids) - {item[id_key] for item in found})
    if not missing:
        return []
    return [f"{setting}: {', '.join(missing)} not found in this account and Region. Fix: check the ids and -c region"]


def _outside(vpc_id: str, setting: str, found: list[dict[str, Any]], id_key: str) -> list[str]:
    outside = sorted(item[id_key] for item in found if item["VpcId"] != vpc_id)
    if not outside:
        return []
    return [f"{setting}: {', '.join(outside)} not in {vpc_id}. Fix: name ids of the one VPC the runtime uses"]


def _unsupported_zones(region: str, subnets: list[dict[str, Any]]) -> list[str]:
    supported = SUPPORTED_ZONES.get(region)
    if supported is None:
        return [
            f"AgentCore's guide lists no Availability Zones for VPC mode in {region}, so the subnets' zones were not "
            "checked. Fix: compare them with the guide's list before deploying"
        ]
    outside = sorted(
        f"{subnet['SubnetId']} ({subnet['AvailabilityZoneId']})"
        for subnet in subnets
        if subnet["AvailabilityZoneId"] not in supported
    )
    if not outside:
        return []
    return [
        f"vpcSubnets: {', '.join(outside)} in Availability Zones where AgentCore does not support VPC mode; "
        f"in {region} it does in {', '.join(supported)}. Fix: name subnets in those zones"
    ]
