"""``AgentCoreRuntime``: an Amazon Bedrock AgentCore runtime serving a container image, with its execution role.

The runtime is a ``Custom::AgentCoreRuntime`` resource whose properties are the ``CreateAgentRuntime`` request; one
provider (two Lambda functions) per stack serves every runtime in it (``infra/runtime/provider.py``), and its named
endpoints (``add_endpoint``, ``infra/runtime/endpoint.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from contract.agentcore import PORT
from contract.auth import AUTHORIZATION_HEADER
from contract.deployment import MODEL_ID_ENV, MODEL_REGION_ENV
from infra.auth.authorizer import JwtAuthorizer
from infra.image import ContainerImage
from infra.model_id import ModelId
from infra.permission import grant
from infra.runtime import checks
from infra.runtime.arns import Arns
from infra.runtime.endpoint import AgentCoreRuntimeEndpoint
from infra.runtime.handler import properties as p
from infra.runtime.permissions import EXECUTION_ROLE, SERVICE_PRINCIPAL, RuntimeResources
from infra.runtime.provider import SERVICE_TIMEOUT, RuntimeProvider


@dataclass(frozen=True)
class VpcPlacement:
    """Where a runtime in VPC mode reaches the network: its subnets, and the security groups of its interfaces."""

    subnet_ids: Sequence[str]
    security_group_ids: Sequence[str]


class AgentCoreRuntime(Construct):
    """An AgentCore runtime running ``image``, allowed to invoke ``model_id`` and nothing else of Bedrock.

    Each change of the image (a new tag) or of the configuration makes a new runtime version;
    the ``DEFAULT`` endpoint follows the latest version, a named one (``add_endpoint``) the version it is given.
    Renaming the runtime replaces it.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        runtime_name: str,
        image: ContainerImage,
        model_id: str,
        environment: Mapping[str, str] | None = None,
        description: str | None = None,
        idle_session_timeout: cdk.Duration | None = None,
        max_lifetime: cdk.Duration | None = None,
        tags: Mapping[str, str] | None = None,
        request_headers: Sequence[str] = (),
        vpc: VpcPlacement | None = None,
        platform_version: str | None = None,
        warmup_path: str | None = None,
        authorizer: JwtAuthorizer | None = None,
    ) -> None:
        """Create the execution role and the runtime.

        Args:
            scope: The construct the runtime belongs to; its stack gets the one provider.
            construct_id: The runtime's id in ``scope``; changing it replaces the runtime.
            runtime_name: AgentCore runtime name; letters, digits and underscores, starting with a letter.
            image: The agent's linux/arm64 image; the role may pull from its repository only.
            model_id: Bedrock system inference profile id (``us.anthropic...``) or foundation model id; passed to
                the container as ``MODEL_ID``, with the stack's Region as ``BEDROCK_REGION``.
            environment: More environment variables for the container. Default: none.
            description: Runtime description. Default: none.
            idle_session_timeout: Idle time after which a session ends. Default: the service's (900 s).
            max_lifetime: Longest life of a session. Default: the service's (28,800 s).
            tags: Tags of the runtime; changing them later retags it in place (TagResource/UntagResource).
                Default: none besides the handler's own ``agentcore-runtime:cfn-*`` tags, which mark the runtime as
                this stack's.
            request_headers: Request headers AgentCore forwards to the container (its header allowlist; at most 20).
                Default: none beyond the session id.
            vpc: The subnets and security groups to run in, in VPC mode. Default: the PUBLIC network.
            platform_version: AgentCore's platform version (``V2``: sessions restored from a snapshot). Default: not
                set, AgentCore's own (V1).
            warmup_path: The path of the container's warm-up hook, which AgentCore posts to on the serving port
                before it takes the snapshot; needs ``platform_version="V2"``. Default: no hook.
            authorizer: Take bearer tokens of this provider instead of SigV4: AgentCore checks them, and the
                container gets the same settings (``AUTH_*``) and the ``Authorization`` header to check them again.
                Default: SigV4 from AWS identities allowed ``bedrock-agentcore:InvokeAgentRuntime``.

        Raises:
            ValueError: Every setting AgentCore or the handler would refuse, each with what to pass instead.
        """
        super().__init__(scope, construct_id)
        found = checks.problems(
            runtime_name=runtime_name,
            model_id=model_id,
            environment=environment or {},
            tags=tags or {},
            idle_session_timeout=idle_session_timeout,
            max_lifetime=max_lifetime,
            subnets=vpc.subnet_ids if vpc else (),
            security_groups=vpc.security_group_ids if vpc else (),
            platform_version=platform_version,
            warmup_path=warmup_path,
        )
        if found:
            raise ValueError(f"AgentCoreRuntime {self.node.path}: " + "; ".join(found))
        stack = cdk.Stack.of(self)
        arns = Arns(stack)
        self.runtime_name = runtime_name

        self.role = iam.Role(
            self,
            "ExecutionRole",
            assumed_by=iam.ServicePrincipal(
                SERVICE_PRINCIPAL,
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    # The runtime's ARN does not exist before the runtime: AWS documents this account-wide pattern.
                    "ArnLike": {"aws:SourceArn": arns.all_agentcore()},
                },
            ),
            description=f"Execution role of AgentCore runtime {runtime_name}",
        )
        model = None if cdk.Token.is_unresolved(model_id) else ModelId.parse(model_id)
        grant(
            self.role,
            EXECUTION_ROLE,
            RuntimeResources(
                arns, runtime_name=runtime_name, image_repository_arn=image.repository.repository_arn, model=model
            ),
        )

        provider = RuntimeProvider.of(self)
        provider.allow(self.role, runtime_name, vpc=vpc is not None)

        properties: dict[str, object] = {
            p.AGENT_RUNTIME_NAME: runtime_name,
            p.AGENT_RUNTIME_ARTIFACT: {"containerConfiguration": {"containerUri": image.image_uri}},
            p.ROLE_ARN: self.role.role_arn,
            p.NETWORK_CONFIGURATION: _network(vpc),
            p.PROTOCOL_CONFIGURATION: {"serverProtocol": "HTTP"},
            p.ENVIRONMENT_VARIABLES: {
                **(environment or {}),
                MODEL_ID_ENV: model_id,
                MODEL_REGION_ENV: stack.region,
                **(authorizer.environment() if authorizer else {}),
            },
        }
        lifecycle = checks.lifecycle(idle_session_timeout, max_lifetime)
        if lifecycle:
            properties[p.LIFECYCLE_CONFIGURATION] = lifecycle
        if description:
            properties[p.DESCRIPTION] = description
        if tags:
            properties[p.TAGS] = dict(tags)
        if authorizer:
            properties[p.AUTHORIZER_CONFIGURATION] = authorizer.configuration()
            # Without it in the allowlist, AgentCore checks the token and then strips it: the agent could not.
            request_headers = [*request_headers, AUTHORIZATION_HEADER]
        if request_headers:
            properties[p.REQUEST_HEADER_CONFIGURATION] = {"requestHeaderAllowlist": list(request_headers)}
        if platform_version:
            properties[p.PLATFORM_VERSION] = platform_version
        if warmup_path:
            hook = {"action": {"httpPost": {"path": warmup_path, "port": PORT}}}
            properties[p.HOOKS_CONFIGURATION] = {"build": {"warmup": hook}}

        resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=provider.service_token,
            resource_type=p.RESOURCE_TYPE,
            properties=properties,
            service_timeout=SERVICE_TIMEOUT,
        )
        # The service checks the role when the runtime is created: its policy must exist by then. The handlers'
        # log groups and logging policies are not referenced by the functions: they must exist before the first call.
        resource.node.add_dependency(self.role, provider)
        self.runtime_arn: str = resource.get_att_string(p.ATTR_ARN)
        """ARN of the runtime, the ``agentRuntimeArn`` that ``InvokeAgentRuntime`` takes."""
        self.runtime_id: str = resource.ref
        """Runtime id (``agentRuntimeId``), the resource's physical id."""
        self.runtime_version: str = resource.get_att_string(p.ATTR_VERSION)
        """Version the latest deployment created."""
        self._resource = resource

    def add_endpoint(self, endpoint_name: str, *, version: str | None = None) -> AgentCoreRuntimeEndpoint:
        """A named endpoint serving ``version`` of this runtime, or (None) following its latest version.

        Args:
            endpoint_name: The endpoint's name, the ``qualifier`` callers invoke it by; changing it replaces it.
            version: The runtime version it serves (``"3"``); None follows every new version, as ``DEFAULT`` does.

        Raises:
            ValueError: A name or version AgentCore would refuse, with what to pass instead.
        """
        return AgentCoreRuntimeEndpoint(
            self,
            f"Endpoint{endpoint_name}",
            runtime_id=self.runtime_id,
            endpoint_name=endpoint_name,
            version=version or self.runtime_version,
            runtime=self._resource,
        )

    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to invoke this runtime through any of its endpoints (``DEFAULT`` included)."""
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["bedrock-agentcore:InvokeAgentRuntime"],
            resource_arns=[self.runtime_arn, f"{self.runtime_arn}/runtime-endpoint/*"],
        )


def _network(vpc: VpcPlacement | None) -> dict[str, object]:
    """``networkConfiguration``: the PUBLIC network, or the VPC's subnets and security groups."""
    if vpc is None:
        return {"networkMode": "PUBLIC"}
    return {
        "networkMode": "VPC",
        "networkModeConfig": {"subnets": list(vpc.subnet_ids), "securityGroups": list(vpc.security_group_ids)},
    }
