"""``AgentCoreRuntimeEndpoint``: a named endpoint of an AgentCore runtime, serving one of its versions.

A ``Custom::AgentCoreRuntimeEndpoint`` resource served by the stack's one runtime provider, whose properties are the
``CreateAgentRuntimeEndpoint`` request. AgentCore's own ``DEFAULT`` endpoint always serves the latest version; a named
endpoint serves the version it is given, so callers that invoke it by name (the ``qualifier``) move only when the
stack moves it. Made with ``AgentCoreRuntime.add_endpoint``.
"""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from infra.runtime import checks
from infra.runtime.handler import properties as p
from infra.runtime.provider import SERVICE_TIMEOUT, RuntimeProvider


class AgentCoreRuntimeEndpoint(Construct):
    """An endpoint named ``endpoint_name`` of runtime ``runtime_id``, serving ``version``."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        runtime_id: str,
        endpoint_name: str,
        version: str,
        runtime: cdk.CustomResource,
    ) -> None:
        """Create the endpoint resource.

        Args:
            scope: The runtime construct it belongs to; its stack's provider serves it.
            construct_id: Its id in ``scope``; changing it replaces the endpoint.
            runtime_id: The runtime's id (its resource's physical id).
            endpoint_name: The endpoint's name; letters, digits and underscores, starting with a letter.
            version: The runtime version it serves: a number, or the runtime resource's latest-version attribute.
            runtime: The runtime's resource, which must be in place (and its policies) before the endpoint is.

        Raises:
            ValueError: A name or version AgentCore would refuse, with what to pass instead.
        """
        super().__init__(scope, construct_id)
        found = checks.endpoint_problems(endpoint_name, version)
        if found:
            raise ValueError(f"AgentCoreRuntimeEndpoint {self.node.path}: " + "; ".join(found))
        self.endpoint_name = endpoint_name
        resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=RuntimeProvider.of(self).service_token,
            resource_type=p.ENDPOINT_RESOURCE_TYPE,
            properties={
                p.AGENT_RUNTIME_ID: runtime_id,
                p.ENDPOINT_NAME: endpoint_name,
                p.AGENT_RUNTIME_VERSION: version,
            },
            service_timeout=SERVICE_TIMEOUT,
        )
        # Created after the runtime (and the handlers' policies it waits for); deleted before it.
        resource.node.add_dependency(runtime)
        self.endpoint_arn: str = resource.get_att_string(p.ATTR_ENDPOINT_ARN)
        """ARN of the endpoint."""
        self.live_version: str = resource.get_att_string(p.ATTR_LIVE_VERSION)
        """The version it serves once the deployment settled."""
