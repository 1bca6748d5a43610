"""CloudFormation and the CDK Provider framework, as they drive one ``Custom::AgentCoreRuntime``, for the tests.

What it reproduces, from CloudFormation's custom-resource contract and aws-cdk-lib's provider framework
(``custom-resources/lib/provider-framework/runtime/framework.ts`` and ``cfn-response.ts``, read in the installed
aws-cdk-lib):

- ``on_event`` raising fails the request; a failed Create has no physical id, so the framework answers with its
  ``CREATE_FAILED`` marker, and answers the rollback's Delete for that marker itself, without calling the handler.
- A Delete must keep its physical id. ``is_complete`` gets the event merged with ``on_event``'s result, is asked
  every query interval until the total timeout ("Operation timed out"), and its Data is merged into ``on_event``'s.
  Time passes by one query interval per poll, on the clock both handlers read, with the provider's deadline.
- A stack whose rollback failed keeps the resource CloudFormation knew of, which a stack delete tries again.
- A successful Update with a new physical id is a replacement: the old id is deleted once the update succeeded.
  A failed Update is rolled back by an Update with old and new properties swapped, and ids the rollback left
  behind are deleted. A failed Create is rolled back by a Delete of whatever physical id the failure carried.
- The same request can be delivered twice (same RequestId): both deliveries run, the first answer counts.

And the handlers' IAM policies, as the synthesized template for the runtime's name grants them, with CloudFormation's
order: the runtime resource depends on them (``tests/infra/test_lifecycle.py`` checks that it does), so a stack
update changes them before it updates the runtime, the cleanup that deletes a replaced runtime runs under the new
ones, and a stack delete deletes the runtime before them. A rollback is an update back to the previous template, in
the same dependency order: the policies first, then the runtime (``policies_roll_back_first=False`` drives the
opposite order, so that a test can show a rollback does not depend on it).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from fakes.control_plane import ACCOUNT, REGION, Caller, ControlPlane
from fakes.iam import NOTHING, Policy
from infra.runtime.handler import handler
from infra.runtime.handler import properties as p
from infra.runtime.provider import GIVE_UP_AFTER, PROVIDER_QUERY_INTERVAL, PROVIDER_TOTAL_TIMEOUT
from tests.infra.runtime.handler.handler_policies import HANDLERS, StackTemplates

EXECUTION_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/ExecutionRole"


def runtime_properties(name: str, image: str) -> dict[str, Any]:
    """The runtime's properties as CloudFormation delivers them to the handler: every scalar a string."""
    return {
        p.AGENT_RUNTIME_NAME: name,
        p.AGENT_RUNTIME_ARTIFACT: {"containerConfiguration": {"containerUri": image}},
        p.ROLE_ARN: EXECUTION_ROLE_ARN,
        p.NETWORK_CONFIGURATION: {"networkMode": "PUBLIC"},
        p.PROTOCOL_CONFIGURATION: {"serverProtocol": "HTTP"},
        p.ENVIRONMENT_VARIABLES: {"MODEL_ID": "us.anthropic.claude-sonnet-4-20250514-v1:0"},
        p.LIFECYCLE_CONFIGURATION: {"idleRuntimeSessionTimeout": "900", "maxLifetime": "28800"},
        p.DESCRIPTION: "Streaming Strands agent",
    }


CREATE_FAILED_MARKER = "AWSCDK::CustomResourceProviderFramework::CREATE_FAILED"
MAX_POLLS = int(PROVIDER_TOTAL_TIMEOUT.to_seconds() // PROVIDER_QUERY_INTERVAL.to_seconds())
"""The framework's waiter asks ``is_complete`` this many times (total timeout / query interval) before giving up."""
STARTED_AT = 1_767_225_600.0
"""The simulation's clock at the stack's first operation (2026-01-01, Unix time)."""


@dataclass
class Response:
    """What the framework sends back to CloudFormation for one request."""

    status: str
    physical_id: str
    data: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


@dataclass
class Request:
    request_type: str
    response: Response


class CloudFormation:
    """One stack holding one runtime resource; each method is a stack operation and returns the stack's status."""

    def __init__(
        self,
        plane: ControlPlane,
        templates: StackTemplates,
        *,
        logical_id: str = "AgentRuntime",
        policies_roll_back_first: bool = True,
        settings: dict[str, Any] | None = None,
    ) -> None:
        self.stack_id = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/agentcore/{uuid.uuid4()}"
        self.templates = templates
        self.policies: dict[str, Policy] = dict.fromkeys(HANDLERS, NOTHING)
        """Each handler role's policy as it is now in the stack: nothing before the stack exists."""
        self.policies_roll_back_first = policies_roll_back_first
        self.settings = settings or {}
        """The deployment's other settings (``DeploymentSettings`` fields), which the synthesized policies follow."""
        self.clients = {handler_name: self._clients(plane, handler_name) for handler_name in HANDLERS}
        self.logical_id = logical_id
        self.physical_id: str | None = None
        self.properties: dict[str, Any] | None = None
        self.attributes: dict[str, Any] = {}
        self.requests: list[Request] = []
        self.slept: list[float] = []
        self.now = STARTED_AT

    # ---- stack operations ---------------------------------------------------------------------------------------

    def create(self, props: dict[str, Any], *, then_fail: bool = False, duplicate: bool = False) -> str:
        """Create the stack; ``then_fail``: another resource fails after this one was created."""
        self.policies = self.synthesized_policies(props)
        created = self.send("Create", props=props, duplicate=duplicate)
        if created.status == "SUCCESS" and not then_fail:
            self._settle(created, props)
            return "CREATE_COMPLETE"
        rollback = self.send("Delete", physical_id=created.physical_id, props=props)
        if rollback.status != "SUCCESS":
            self.physical_id, self.properties = created.physical_id, props  # what a stack delete tries again
            return "ROLLBACK_FAILED"
        self.policies = dict.fromkeys(HANDLERS, NOTHING)
        return "ROLLBACK_COMPLETE"

    def update(self, props: dict[str, Any], *, then_fail: bool = False, duplicate: bool = False) -> str:
        """Update the stack; ``then_fail``: another resource fails after this one was updated."""
        old_id, old_props, old_policies = self.physical_id, self.properties, self.policies
        self.policies = self.synthesized_policies(props)
        updated = self.send("Update", physical_id=old_id, props=props, old_props=old_props, duplicate=duplicate)
        if updated.status == "SUCCESS" and not then_fail:
            self._settle(updated, props)
            if updated.physical_id != old_id:
                self.send("Delete", physical_id=old_id, props=old_props)  # cleanup: a failure here is only a warning
            return "UPDATE_COMPLETE"
        current = updated.physical_id if updated.status == "SUCCESS" else old_id
        if self.policies_roll_back_first:
            self.policies = old_policies
        rollback = self.send("Update", physical_id=current, props=old_props, old_props=props)
        if rollback.status != "SUCCESS":
            return "UPDATE_ROLLBACK_FAILED"
        self.policies = old_policies
        self._settle(rollback, old_props)
        for leftover in {old_id, current} - {rollback.physical_id}:
            self.send("Delete", physical_id=leftover, props=props if leftover == current else old_props)
        return "UPDATE_ROLLBACK_COMPLETE"

    def delete(self, *, duplicate: bool = False) -> str:
        deleted = self.send("Delete", physical_id=self.physical_id, props=self.properties, duplicate=duplicate)
        if deleted.status != "SUCCESS":
            return "DELETE_FAILED"
        self.physical_id, self.properties = None, None
        self.policies = dict.fromkeys(HANDLERS, NOTHING)
        return "DELETE_COMPLETE"

    def last_failure(self) -> str:
        """The reason of the latest failed request, as the stack events show it."""
        return next(r.response.reason for r in reversed(self.requests) if r.response.status == "FAILED")

    # ---- one request through the provider framework -------------------------------------------------------------

    def send(
        self,
        request_type: str,
        *,
        props: dict[str, Any] | None,
        physical_id: str | None = None,
        old_props: dict[str, Any] | None = None,
        duplicate: bool = False,
        logical_id: str | None = None,
        resource_type: str = p.RESOURCE_TYPE,
    ) -> Response:
        event: dict[str, Any] = {
            "RequestType": request_type,
            "RequestId": str(uuid.uuid4()),
            "ResponseURL": "https://cloudformation-custom-resource-response.example/",
            "StackId": self.stack_id,
            "LogicalResourceId": logical_id or self.logical_id,
            "ResourceType": resource_type,
            "ResourceProperties": {
                "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:fw",
                **(props or {}),
            },
        }
        if physical_id is not None:
            event["PhysicalResourceId"] = physical_id
        if old_props is not None:
            event["OldResourceProperties"] = {
                "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:fw",
                **old_props,
            }
        # Every delivery runs on_event before any of them is complete, as two framework invocations would.
        started = [self._on_event(event) for _ in range(2 if duplicate else 1)]
        responses = [s if isinstance(s, Response) else self._wait(s) for s in started]
        self.requests.append(Request(request_type, responses[0]))
        return responses[0]

    def _on_event(self, event: dict[str, Any]) -> dict[str, Any] | Response:
        if event["RequestType"] == "Delete" and event.get("PhysicalResourceId") == CREATE_FAILED_MARKER:
            return Response("SUCCESS", CREATE_FAILED_MARKER)  # "ignoring DELETE event caused by a failed CREATE event"
        try:
            clients = self.clients["on_event"]
            result = _as_json(
                handler.on_event(_as_json(event), clients=clients, sleep=self.slept.append, clock=self._clock)
            )
        except Exception as error:  # the framework: any error is a FAILED response
            fallback = CREATE_FAILED_MARKER if event["RequestType"] == "Create" else ""
            return Response("FAILED", event.get("PhysicalResourceId") or fallback, reason=str(error))
        physical_id = result.get("PhysicalResourceId") or event.get("PhysicalResourceId") or event["RequestId"]
        if event["RequestType"] == "Delete" and physical_id != event["PhysicalResourceId"]:
            return Response("FAILED", event["PhysicalResourceId"], reason="DELETE: cannot change the physical id")
        return {**event, **result, "PhysicalResourceId": physical_id}

    def _wait(self, event: dict[str, Any]) -> Response:
        for _ in range(MAX_POLLS):
            try:
                result = _as_json(
                    handler.is_complete(
                        _as_json(event),
                        clients=self.clients["is_complete"],
                        clock=self._clock,
                        deadline=GIVE_UP_AFTER.to_seconds(),
                    )
                )
            except Exception as error:  # the framework: any error is a FAILED response
                return Response("FAILED", event["PhysicalResourceId"], event.get("Data", {}), str(error))
            finally:
                self.now += PROVIDER_QUERY_INTERVAL.to_seconds()
            if result["IsComplete"]:
                data = {**event.get("Data", {}), **result.get("Data", {})}
                return Response("SUCCESS", event["PhysicalResourceId"], data)
            assert not result.get("Data"), '"Data" is not allowed if "IsComplete" is "False"'
        return Response("FAILED", event["PhysicalResourceId"], event.get("Data", {}), "Operation timed out")

    def _clock(self) -> float:
        return self.now

    def _settle(self, response: Response, props: dict[str, Any] | None) -> None:
        self.physical_id, self.properties, self.attributes = response.physical_id, props, response.data

    # ---- IAM ----------------------------------------------------------------------------------------------------

    def synthesized_policies(self, props: dict[str, Any]) -> dict[str, Policy]:
        """The handlers' policies of the template that deploys the runtime ``props`` describe."""
        return self.templates.handler_policies(props[p.AGENT_RUNTIME_NAME], self.stack_id, **self.settings)

    def _clients(self, plane: ControlPlane, handler_name: str) -> handler.Clients:
        caller = Caller(f"{handler_name} role", lambda: self.policies[handler_name])
        return handler.Clients(control=plane.client(caller=caller), logs=plane.client("logs", caller=caller))


def _as_json(value: Any) -> Any:
    """Events and results cross the framework as JSON: anything that does not survive the trip fails here."""
    return json.loads(json.dumps(value))
