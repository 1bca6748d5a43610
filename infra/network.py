"""``RuntimeNetwork``: where a runtime in VPC mode reaches the network, and what the stack adds to the VPC for it.

The subnets are the deployment's (``vpcSubnets``), and so are the security groups when it names some. Otherwise the
stack creates one in ``vpcId`` that lets the runtime out on HTTPS only: every service the agent calls (Bedrock,
AgentCore Memory, CloudWatch Logs, X-Ray, STS, ECR and S3 for the image, Open-Meteo) is HTTPS, and the VPC's DNS
resolver is not filtered by security groups. The group is kept when the stack goes: AgentCore's network interfaces,
which use it, may stay up to 8 hours after their runtime is deleted (AWS guide "Configure Amazon Bedrock AgentCore
Runtime and tools for VPC"), and CloudFormation cannot delete a group in use; ``make destroy`` names it with the
command that deletes it later.

With ``vpcEndpoints`` the stack also creates the VPC endpoints of those AWS services in the subnets, each reachable
on HTTPS from the runtime's security groups only, for subnets without a route to the internet. S3 is one of them
as an interface endpoint with private DNS for every resolver, since a gateway endpoint needs the subnets' route
tables, which synth cannot read. Open-Meteo has no endpoint: the weather tool still needs a NAT gateway.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from infra.network_names import RUNTIME_SECURITY_GROUP
from infra.runtime.construct import VpcPlacement

HTTPS = 443
ENDPOINT_SERVICES = ("bedrock-runtime", "bedrock-agentcore", "ecr.api", "ecr.dkr", "s3", "logs", "sts", "xray")
"""The AWS services the agent and AgentCore reach from the subnets: the model, Memory, the image (ECR's API, its
registry, and S3 for its layers), the runtime's logs, credentials, and traces. Secrets Manager joins them when the
deployment reads secrets."""
SECRETS_SERVICE = "secretsmanager"
EVERY_RESOLVER = "AllResolvers"
"""S3's interface endpoint answers the VPC's own lookups too (no gateway endpoint is needed, or looked for)."""


class RuntimeNetwork(Construct):
    """The runtime's subnets and security groups, with the security group and VPC endpoints the stack adds."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        subnet_ids: Sequence[str],
        security_group_ids: Sequence[str] = (),
        vpc_id: str | None = None,
        endpoints: bool = False,
        secrets: bool = False,
    ) -> None:
        """Create what the deployment does not name itself.

        Args:
            scope: The stack.
            construct_id: Its id in the stack.
            subnet_ids: The subnets the runtime's network interfaces go in (1 to 16, one VPC).
            security_group_ids: The runtime's security groups. Default: one the stack creates in ``vpc_id``.
            vpc_id: The subnets' VPC; needed to create a security group or endpoints.
            endpoints: Whether to create the VPC endpoints of ``ENDPOINT_SERVICES`` in the subnets.
            secrets: Whether the agent reads secrets, so that Secrets Manager needs an endpoint too.

        Raises:
            ValueError: Something to create without ``vpc_id`` to create it in.
        """
        super().__init__(scope, construct_id)
        if vpc_id is None and (endpoints or not security_group_ids):
            raise ValueError(f"RuntimeNetwork {self.node.path}: pass vpc_id, the VPC to create the security group in")
        self.security_group: ec2.CfnSecurityGroup | None = None
        groups = list(security_group_ids)
        if not groups:
            self.security_group = self._runtime_security_group(str(vpc_id))
            groups = [self.security_group.attr_group_id]
        self.placement = VpcPlacement(subnet_ids=list(subnet_ids), security_group_ids=groups)
        """What the runtime's ``networkConfiguration`` names."""
        self.endpoints: dict[str, ec2.CfnVPCEndpoint] = {}
        if endpoints:
            services = (*ENDPOINT_SERVICES, SECRETS_SERVICE) if secrets else ENDPOINT_SERVICES
            self._endpoints(str(vpc_id), services)

    def _runtime_security_group(self, vpc_id: str) -> ec2.CfnSecurityGroup:
        group = ec2.CfnSecurityGroup(
            self,
            RUNTIME_SECURITY_GROUP,
            vpc_id=vpc_id,
            group_description="AgentCore runtime: HTTPS out only",
            security_group_egress=[
                ec2.CfnSecurityGroup.EgressProperty(
                    ip_protocol="tcp", from_port=HTTPS, to_port=HTTPS, cidr_ip="0.0.0.0/0", description="HTTPS"
                )
            ],
        )
        # AgentCore's interfaces may hold it for hours after the runtime is gone: kept, and named by make destroy.
        group.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        return group

    def _endpoints(self, vpc_id: str, services: Sequence[str]) -> None:
        group = ec2.CfnSecurityGroup(
            self,
            "EndpointSecurityGroup",
            vpc_id=vpc_id,
            group_description="VPC endpoints of the AgentCore runtime: HTTPS in from the runtime",
            security_group_ingress=[
                ec2.CfnSecurityGroup.IngressProperty(
                    ip_protocol="tcp",
                    from_port=HTTPS,
                    to_port=HTTPS,
                    source_security_group_id=source,
                    description="HTTPS from the runtime",
                )
                for source in self.placement.security_group_ids
            ],
            # Answers only: nothing leaves from an endpoint's interface (the rule is the one AWS writes for "none").
            security_group_egress=[
                ec2.CfnSecurityGroup.EgressProperty(
                    ip_protocol="icmp", from_port=252, to_port=86, cidr_ip="255.255.255.255/32", description="none"
                )
            ],
        )
        for service in services:
            self.endpoints[service] = ec2.CfnVPCEndpoint(
                self,
                f"Endpoint{service.title().replace('.', '').replace('-', '')}",
                vpc_id=vpc_id,
                service_name=f"com.amazonaws.{cdk.Stack.of(self).region}.{service}",
                vpc_endpoint_type="Interface",
                subnet_ids=list(self.placement.subnet_ids),
                security_group_ids=[group.attr_group_id],
                private_dns_enabled=True,
                dns_options=ec2.CfnVPCEndpoint.DnsOptionsSpecificationProperty(
                    private_dns_only_for_inbound_resolver_endpoint=EVERY_RESOLVER
                )
                if service == "s3"
                else None,
            )
