"""The runtime's network by deployment: PUBLIC (the default), a VPC with the user's security groups or one the stack
makes, and the VPC endpoints ``vpcEndpoints`` adds; and the one permission VPC mode adds to the handler."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match, Template

from infra.network import ENDPOINT_SERVICES, SECRETS_SERVICE
from infra.runtime.handler import properties as p
from infra.runtime.permissions import NETWORK_ROLE, NETWORK_SERVICE
from tests.infra.conftest import ACCOUNT, REGION, build_app
from tests.infra.iam_templates import grants, policies

SUBNETS = ("subnet-0123456789abcdef0", "subnet-89abcdef")
GROUPS = ("sg-0fedcba9876543210",)
VPC = "vpc-0a1b2c3d4e5f60718"
NETWORK_ROLE_ARN = {
    "Fn::Join": [
        "",
        ["arn:", {"Ref": "AWS::Partition"}, f":iam::{ACCOUNT}:role/aws-service-role/{NETWORK_SERVICE}/{NETWORK_ROLE}"],
    ]
}


def synthesized(tmp_path, **settings):
    _, stack = build_app(str(tmp_path), bundle=False, **settings)
    return Template.from_stack(stack)


def network_configuration(template):
    (runtime,) = template.find_resources(p.RESOURCE_TYPE).values()
    return runtime["Properties"][p.NETWORK_CONFIGURATION]


def creates_network_role(template):
    """Whether the on_event handler may create AgentCore's network service-linked role, and only that one."""
    condition = json.dumps({"StringEquals": {"iam:AWSServiceName": NETWORK_SERVICE}}, sort_keys=True)
    wanted = ("iam:CreateServiceLinkedRole", json.dumps(NETWORK_ROLE_ARN, sort_keys=True), condition)
    return wanted in grants(policies(template, "AgentCoreRuntimeProviderOnEventRole"))


def test_public__the_default_network_adds_nothing_to_any_vpc(template):
    assert network_configuration(template) == {"networkMode": "PUBLIC"}
    assert template.find_resources("AWS::EC2::SecurityGroup") == {}
    assert template.find_resources("AWS::EC2::VPCEndpoint") == {}
    assert not creates_network_role(template)


def test_vpc_with_own_security_groups__runs_in_them_and_creates_nothing_in_the_vpc(tmp_path):
    template = synthesized(tmp_path, vpc_subnets=SUBNETS, vpc_security_groups=GROUPS)

    assert network_configuration(template) == {
        "networkMode": "VPC",
        "networkModeConfig": {"subnets": list(SUBNETS), "securityGroups": list(GROUPS)},
    }
    assert template.find_resources("AWS::EC2::SecurityGroup") == {}
    assert template.find_resources("AWS::EC2::VPCEndpoint") == {}
    assert creates_network_role(template)


def test_vpc_without_security_groups__gets_one_in_the_vpc_that_lets_out_https_only_and_outlives_the_stack(tmp_path):
    template = synthesized(tmp_path, vpc_subnets=SUBNETS, vpc_id=VPC)

    (group_id, group), *others = template.find_resources("AWS::EC2::SecurityGroup").items()
    assert others == []
    assert group["Properties"]["VpcId"] == VPC
    assert group["Properties"]["SecurityGroupEgress"] == [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0", "Description": "HTTPS"}
    ]
    assert "SecurityGroupIngress" not in group["Properties"]
    assert (group["DeletionPolicy"], group["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert network_configuration(template)["networkModeConfig"] == {
        "subnets": list(SUBNETS),
        "securityGroups": [{"Fn::GetAtt": [group_id, "GroupId"]}],
    }


@pytest.mark.parametrize(("secrets", "extra"), [({}, ()), ({"KEY": "a/b"}, (SECRETS_SERVICE,))], ids=["", "secrets"])
def test_vpc_endpoints__one_per_service_the_agent_calls_in_its_subnets_open_to_the_runtime_only(
    tmp_path, secrets, extra
):
    template = synthesized(tmp_path, vpc_subnets=SUBNETS, vpc_id=VPC, vpc_endpoints=True, secrets=secrets)
    endpoints = template.find_resources("AWS::EC2::VPCEndpoint")
    groups = template.find_resources("AWS::EC2::SecurityGroup")
    (runtime_group,) = (name for name in groups if name.startswith("NetworkRuntimeSecurityGroup"))
    (endpoint_group,) = (name for name in groups if name.startswith("NetworkEndpointSecurityGroup"))
    (runtime,) = template.find_resources(p.RESOURCE_TYPE).values()

    services = {endpoint["Properties"]["ServiceName"] for endpoint in endpoints.values()}
    assert services == {f"com.amazonaws.{REGION}.{service}" for service in (*ENDPOINT_SERVICES, *extra)}
    for endpoint in endpoints.values():
        properties = endpoint["Properties"]
        assert (properties["VpcEndpointType"], properties["PrivateDnsEnabled"]) == ("Interface", True)
        assert (properties["VpcId"], properties["SubnetIds"]) == (VPC, list(SUBNETS))
        assert properties["SecurityGroupIds"] == [{"Fn::GetAtt": [endpoint_group, "GroupId"]}]
    (ingress,) = groups[endpoint_group]["Properties"]["SecurityGroupIngress"]
    assert (ingress["FromPort"], ingress["SourceSecurityGroupId"]) == (443, {"Fn::GetAtt": [runtime_group, "GroupId"]})
    assert set(endpoints) <= set(runtime["DependsOn"])  # the image is pulled through them


def test_vpc_endpoints__s3s_answers_the_vpcs_own_lookups_without_a_gateway_endpoint(tmp_path):
    template = synthesized(tmp_path, vpc_subnets=SUBNETS, vpc_id=VPC, vpc_endpoints=True)

    template.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {
            "ServiceName": f"com.amazonaws.{REGION}.s3",
            "DnsOptions": {"PrivateDnsOnlyForInboundResolverEndpoint": "AllResolvers"},
        },
    )
    template.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {"ServiceName": f"com.amazonaws.{REGION}.logs", "DnsOptions": Match.absent()},
    )
