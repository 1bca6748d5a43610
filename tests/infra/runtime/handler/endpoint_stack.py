"""A stack of one runtime and its named endpoints, as CloudFormation drives it, for the lifecycle tests.

The template is the runtime resource, then one ``Custom::AgentCoreRuntimeEndpoint`` per endpoint, each referring to
the runtime (its id, and for an endpoint that follows the latest version, its ``AgentRuntimeVersion``): what the CDK
app synthesizes for ``-c endpoints=...``. On top of ``CloudFormation`` (one request through the provider framework,
the handlers' synthesized policies, the clock), this reproduces how CloudFormation orders a stack operation:

- A create or update goes through the resources in dependency order (the runtime, then the endpoints), resolving each
  one's properties against what exists by then; an update sends ``Update`` only to a resource whose resolved
  properties changed, ``Create`` to one the template adds, and deletes what it removes or replaced once it succeeded.
- A failure (or ``then_fail``: another resource fails after these) is rolled back: the previous template, resolved
  again against what then exists, updates back what was updated, in order; what the failed operation created is
  deleted, newest first, and so is any resource a replacement left behind.
- A delete goes the other way: the endpoints, then the runtime.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contract.endpoints import LATEST
from fakes.control_plane import ControlPlane
from fakes.iam import NOTHING
from infra.runtime.handler import properties as p
from tests.infra.runtime.handler.cloudformation import CloudFormation, Response
from tests.infra.runtime.handler.handler_policies import HANDLERS, StackTemplates

RUNTIME = "AgentRuntime"

Properties = dict[str, Any]


@dataclass
class Deployed:
    """One resource as the stack knows it."""

    logical_id: str
    resource_type: str
    physical_id: str
    properties: Properties
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Spec:
    """One resource of the template: its properties once the resources before it exist."""

    logical_id: str
    resource_type: str
    properties: Callable[[Mapping[str, Deployed]], Properties]


def endpoint_id(name: str) -> str:
    return f"{RUNTIME}Endpoint{name}"


def template(runtime: Properties, endpoints: Mapping[str, str]) -> list[Spec]:
    """The runtime with ``runtime`` properties, and ``endpoints``: name → a version or ``latest``."""

    def endpoint_props(name: str, version: str) -> Callable[[Mapping[str, Deployed]], Properties]:
        def resolve(deployed: Mapping[str, Deployed]) -> Properties:
            runtime_resource = deployed[RUNTIME]
            served = runtime_resource.attributes[p.ATTR_VERSION] if version == LATEST else version
            return {
                p.AGENT_RUNTIME_ID: runtime_resource.physical_id,
                p.ENDPOINT_NAME: name,
                p.AGENT_RUNTIME_VERSION: served,
            }

        return resolve

    return [Spec(RUNTIME, p.RESOURCE_TYPE, lambda _: runtime)] + [
        Spec(endpoint_id(name), p.ENDPOINT_RESOURCE_TYPE, endpoint_props(name, version))
        for name, version in endpoints.items()
    ]


class EndpointStack:
    """The stack; each method is a stack operation and returns the stack's status."""

    def __init__(self, plane: ControlPlane, templates: StackTemplates, **settings: Any) -> None:
        self.cfn = CloudFormation(plane, templates, settings=settings)
        self.deployed: dict[str, Deployed] = {}
        self._specs: list[Spec] = []

    @property
    def stack_id(self) -> str:
        return self.cfn.stack_id

    def endpoint_arn(self, name: str) -> str:
        return self.deployed[endpoint_id(name)].physical_id

    def last_failure(self) -> str:
        return self.cfn.last_failure()

    def create(self, runtime: Properties, endpoints: Mapping[str, str], *, then_fail: bool = False) -> str:
        specs = template(runtime, endpoints)
        self.cfn.policies = self.cfn.synthesized_policies(runtime)
        created: list[Deployed] = []
        for spec in specs:
            props = spec.properties(self.deployed)
            response = self._send("Create", spec, props)
            created.append(self._deployed(spec, response, props))
            if response.status != "SUCCESS":
                break
            self.deployed[spec.logical_id] = created[-1]
        else:
            if not then_fail:
                self._specs = specs
                return "CREATE_COMPLETE"
        for resource in reversed(created):
            if self._send("Delete", resource, resource.properties, resource.physical_id).status != "SUCCESS":
                return "ROLLBACK_FAILED"
            self.deployed.pop(resource.logical_id, None)
        self.cfn.policies = dict.fromkeys(HANDLERS, NOTHING)
        return "ROLLBACK_COMPLETE"

    def update(self, runtime: Properties, endpoints: Mapping[str, str], *, then_fail: bool = False) -> str:
        specs, before = template(runtime, endpoints), dict(self.deployed)
        old_specs, old_policies = self._specs, self.cfn.policies
        self.cfn.policies = self.cfn.synthesized_policies(runtime)
        changed: list[str] = []
        failed = False
        for spec in specs:
            props, previous = spec.properties(self.deployed), before.get(spec.logical_id)
            if previous is not None and props == previous.properties:
                continue
            if previous is None:
                response = self._send("Create", spec, props)
            else:
                response = self._send("Update", spec, props, previous.physical_id, previous.properties)
            changed.append(spec.logical_id)
            if response.status != "SUCCESS":
                failed = True
                if previous is None:
                    self.deployed[spec.logical_id] = self._deployed(spec, response, props)
                break
            self.deployed[spec.logical_id] = self._deployed(spec, response, props, previous)
        if not failed and not then_fail:
            self._specs = specs
            for logical_id in set(before) - {spec.logical_id for spec in specs}:
                del self.deployed[logical_id]
            self._clean_up(before)
            return "UPDATE_COMPLETE"
        self.cfn.policies = old_policies
        return self._roll_back(old_specs, before, changed)

    def delete(self) -> str:
        for spec in reversed(self._specs):
            resource = self.deployed.get(spec.logical_id)
            if resource is None:
                continue
            if self._send("Delete", resource, resource.properties, resource.physical_id).status != "SUCCESS":
                return "DELETE_FAILED"
            del self.deployed[spec.logical_id]
        self.cfn.policies = dict.fromkeys(HANDLERS, NOTHING)
        return "DELETE_COMPLETE"

    # ---- the parts of an operation ------------------------------------------------------------------------------

    def _roll_back(self, old_specs: list[Spec], before: Mapping[str, Deployed], changed: list[str]) -> str:
        """Back to the previous template: what changed goes back, what was added goes, what was replaced is cleaned."""
        after_failure = {logical_id: self.deployed[logical_id] for logical_id in before}
        for spec in old_specs:
            current = after_failure[spec.logical_id]
            props = spec.properties(self.deployed)
            if spec.logical_id not in changed and props == current.properties:
                continue
            response = self._send("Update", spec, props, current.physical_id, current.properties)
            if response.status != "SUCCESS":
                return "UPDATE_ROLLBACK_FAILED"
            self.deployed[spec.logical_id] = self._deployed(spec, response, props, current)
        for logical_id in reversed(changed):
            if logical_id not in before:
                added = self.deployed.pop(logical_id)
                self._send("Delete", added, added.properties, added.physical_id)
        self._clean_up(after_failure)
        return "UPDATE_ROLLBACK_COMPLETE"

    def _clean_up(self, old: Mapping[str, Deployed]) -> None:
        """Delete, endpoints first, each of ``old`` the stack no longer has: removed, or replaced by another id."""
        for logical_id, resource in sorted(old.items(), key=lambda item: item[0] == RUNTIME):
            current = self.deployed.get(logical_id)
            if current is None or current.physical_id != resource.physical_id:
                self._send("Delete", resource, resource.properties, resource.physical_id)

    def _send(
        self,
        request_type: str,
        resource: Spec | Deployed,
        props: Properties,
        physical_id: str | None = None,
        old_props: Properties | None = None,
    ) -> Response:
        return self.cfn.send(
            request_type,
            props=props,
            physical_id=physical_id,
            old_props=old_props,
            logical_id=resource.logical_id,
            resource_type=resource.resource_type,
        )

    @staticmethod
    def _deployed(spec: Spec, response: Response, props: Properties, previous: Deployed | None = None) -> Deployed:
        attributes = {**(previous.attributes if previous else {}), **response.data}
        return Deployed(spec.logical_id, spec.resource_type, response.physical_id, props, attributes)
