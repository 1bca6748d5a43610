"""The endpoints of the fake control plane's runtimes: ``DEFAULT``, following the latest version, and named ones.

``CreateAgentRuntimeEndpoint`` gives a runtime an endpoint serving one of its versions; ``UpdateAgentRuntimeEndpoint``
moves it to another, through ``UPDATING`` (its ``liveVersion`` the old one, its ``targetVersion`` the new one) to
``READY``; a version the runtime does not have is refused, as a name it already uses. ``DEFAULT`` is not kept: it is
worked out from the runtime (the latest version that settled), can be read and listed, and cannot be changed. An
endpoint that serves has a log group, which stays when it goes, as AgentCore leaves them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fakes.service_state import NEVER, NOW, SETTLE_POLLS, ServiceError, page, settle_next_change

if TYPE_CHECKING:
    from fakes.control_plane import Runtime

DEFAULT = "DEFAULT"
_CHANGING = ("CREATING", "UPDATING", "DELETING")


@dataclass
class Endpoint:
    """One named endpoint of a runtime, as the service keeps it."""

    name: str
    runtime_arn: str
    target_version: str
    tags: dict[str, str]
    description: str | None = None
    live_version: str | None = None
    status: str = "CREATING"
    polls_left: int = SETTLE_POLLS
    settles_as: str = "READY"
    failure_reason: str | None = None

    @property
    def arn(self) -> str:
        return f"{self.runtime_arn}/runtime-endpoint/{self.name}"

    @property
    def endpoint_id(self) -> str:
        return f"{self.name}-{self.runtime_arn.rsplit('-', 1)[1]}"

    def described(self) -> dict[str, Any]:
        """What ``GetAgentRuntimeEndpoint`` and ``ListAgentRuntimeEndpoints`` say of it."""
        answer = {
            "name": self.name,
            "id": self.endpoint_id,
            "agentRuntimeEndpointArn": self.arn,
            "agentRuntimeArn": self.runtime_arn,
            "targetVersion": self.target_version,
            "status": self.status,
            "createdAt": NOW,
            "lastUpdatedAt": NOW,
        }
        optional = {"liveVersion": self.live_version, "description": self.description}
        answer.update({key: value for key, value in optional.items() if value is not None})
        if self.failure_reason and self.status.endswith("_FAILED"):
            answer["failureReason"] = self.failure_reason
        return answer


@dataclass
class EndpointOperations:
    """The endpoint operations of ``fakes.control_plane.ControlPlane``, which holds the runtimes they work on."""

    _next_endpoint_outcome: list[tuple[str, str]] = field(default_factory=list)

    def endpoints_of(self, runtime_id: str) -> dict[str, Endpoint]:
        """The named endpoints of a runtime that exists (``DEFAULT`` is not kept), by name."""
        return self.runtimes[runtime_id].endpoints  # type: ignore[attr-defined]

    def next_endpoint_change_settles_as(self, status: str, reason: str) -> None:
        """The next endpoint create or update ends in ``status`` (CREATE_FAILED, UPDATE_FAILED) with ``reason``."""
        self._next_endpoint_outcome.append((status, reason))

    def next_endpoint_change_never_settles(self) -> None:
        """The next endpoint create or update stays CREATING or UPDATING, refusing deletes, until ``settle_all``."""
        self._next_endpoint_outcome.append((NEVER, ""))

    def add_foreign_endpoint(self, runtime_id: str, name: str, tags: dict[str, str] | None = None) -> Endpoint:
        """A READY endpoint of runtime ``runtime_id`` someone else created: no tags, or the ones given."""
        runtime = self.runtimes[runtime_id]  # type: ignore[attr-defined]
        endpoint = Endpoint(name, runtime.arn, str(runtime.version), dict(tags or {}), status="READY")
        endpoint.live_version = endpoint.target_version
        runtime.endpoints[name] = endpoint
        return endpoint

    def _create_agent_runtime_endpoint(self, params: dict[str, Any]) -> dict[str, Any]:
        token = params.pop("clientToken")
        replay = self._replay("CreateAgentRuntimeEndpoint", token, params)  # type: ignore[attr-defined]
        if replay:
            return replay
        request = copy.deepcopy(params)
        runtime = self._runtime(params["agentRuntimeId"])  # type: ignore[attr-defined]
        name = params["name"]
        if name == DEFAULT or name in runtime.endpoints:
            raise ServiceError("ConflictException", f"An endpoint named {name} already exists", 409)
        version = self._existing_version(runtime, params.get("agentRuntimeVersion"))
        endpoint = Endpoint(name, runtime.arn, version, dict(params.get("tags") or {}), params.get("description"))
        if endpoint.tags:  # create-time tagging: before it exists, it has no tags of its own
            self._authorize("bedrock-agentcore:TagResource", endpoint.arn, endpoint.tags)  # type: ignore[attr-defined]
        settle_next_change(endpoint, self._next_endpoint_outcome)
        runtime.endpoints[name] = endpoint
        answer = {
            "targetVersion": version,
            "agentRuntimeEndpointArn": endpoint.arn,
            "agentRuntimeArn": runtime.arn,
            "agentRuntimeId": runtime.runtime_id,
            "endpointName": name,
            "status": endpoint.status,
            "createdAt": NOW,
        }
        return self._remember("CreateAgentRuntimeEndpoint", token, request, answer)  # type: ignore[attr-defined]

    def _update_agent_runtime_endpoint(self, params: dict[str, Any]) -> dict[str, Any]:
        token = params.pop("clientToken")
        replay = self._replay("UpdateAgentRuntimeEndpoint", token, params)  # type: ignore[attr-defined]
        if replay:
            return replay
        runtime = self._runtime(params["agentRuntimeId"])  # type: ignore[attr-defined]
        endpoint = self._endpoint(runtime, params["endpointName"])
        if endpoint.status in _CHANGING:
            raise ServiceError("ConflictException", f"Endpoint is {endpoint.status}; try again later", 409)
        version = self._existing_version(runtime, params.get("agentRuntimeVersion"))
        endpoint.target_version, endpoint.status, endpoint.polls_left = version, "UPDATING", SETTLE_POLLS
        endpoint.failure_reason = None
        if "description" in params:
            endpoint.description = params["description"]
        settle_next_change(endpoint, self._next_endpoint_outcome)
        answer = {key: value for key, value in endpoint.described().items() if key in _UPDATE_ANSWER}
        return self._remember("UpdateAgentRuntimeEndpoint", token, params, answer)  # type: ignore[attr-defined]

    def _delete_agent_runtime_endpoint(self, params: dict[str, Any]) -> dict[str, Any]:
        runtime = self._runtime(params["agentRuntimeId"])  # type: ignore[attr-defined]
        if params["endpointName"] == DEFAULT:
            raise ServiceError("ValidationException", "The DEFAULT endpoint cannot be deleted", 400)
        endpoint = self._endpoint(runtime, params["endpointName"])
        if endpoint.status in ("CREATING", "UPDATING"):
            raise ServiceError("ConflictException", f"Endpoint is {endpoint.status}; try again later", 409)
        if endpoint.status != "DELETING":
            endpoint.status, endpoint.polls_left = "DELETING", SETTLE_POLLS
        return {"status": "DELETING", "agentRuntimeId": runtime.runtime_id, "endpointName": endpoint.name}

    def _get_agent_runtime_endpoint(self, params: dict[str, Any]) -> dict[str, Any]:
        runtime = self._runtime(params["agentRuntimeId"])  # type: ignore[attr-defined]
        if params["endpointName"] == DEFAULT:
            return self._default_of(runtime)
        endpoint = self._endpoint(runtime, params["endpointName"])
        self._poll_endpoint(runtime, endpoint)
        return self._endpoint(runtime, params["endpointName"]).described()

    def _list_agent_runtime_endpoints(self, params: dict[str, Any]) -> dict[str, Any]:
        runtime = self._runtime(params["agentRuntimeId"])  # type: ignore[attr-defined]
        summaries = [self._default_of(runtime)] + [endpoint.described() for endpoint in runtime.endpoints.values()]
        return page(summaries, "runtimeEndpoints", params)

    # ---- state --------------------------------------------------------------------------------------------------

    @staticmethod
    def _default_of(runtime: Runtime) -> dict[str, Any]:
        """``DEFAULT`` as the service describes it: the latest version that settled, moving to the newest."""
        described = Endpoint(DEFAULT, runtime.arn, str(runtime.version), {}).described()
        if runtime.live_version is not None:
            described["liveVersion"] = str(runtime.live_version)
        described["status"] = "READY" if runtime.status in ("READY", "UPDATE_FAILED") else runtime.status
        if runtime.status == "CREATE_FAILED":
            described["status"] = "CREATE_FAILED"
        return described

    @staticmethod
    def _endpoint(runtime: Runtime, name: str) -> Endpoint:
        if name not in runtime.endpoints:
            raise ServiceError("ResourceNotFoundException", f"Endpoint {name} of {runtime.runtime_id} not found", 404)
        return runtime.endpoints[name]

    @staticmethod
    def _existing_version(runtime: Runtime, version: str | None) -> str:
        """The version asked for (the latest when none is), which the runtime must have."""
        version = version or str(runtime.version)
        if int(version) > runtime.version:
            raise ServiceError(
                "ValidationException", f"Agent runtime {runtime.runtime_id} has no version {version}", 400
            )
        return version

    def _poll_endpoint(self, runtime: Runtime, endpoint: Endpoint) -> None:
        """Time passes for ``endpoint`` each time it is read: a change settles after ``SETTLE_POLLS`` reads.

        Once it serves, AgentCore has created its log group, which it leaves when the endpoint goes.
        """
        if endpoint.status not in _CHANGING or (endpoint.settles_as == NEVER and endpoint.status != "DELETING"):
            return
        endpoint.polls_left -= 1
        if endpoint.polls_left > 0:
            return
        if endpoint.status == "DELETING":
            del runtime.endpoints[endpoint.name]
            return
        failed = endpoint.settles_as.endswith("_FAILED")
        endpoint.status = endpoint.settles_as if failed else "READY"
        if not failed:
            endpoint.live_version = endpoint.target_version
            self._endpoint_serves(runtime.runtime_id, endpoint.name)  # type: ignore[attr-defined]


_UPDATE_ANSWER = frozenset(
    {"liveVersion", "targetVersion", "agentRuntimeEndpointArn", "agentRuntimeArn", "status"}
    | {"createdAt", "lastUpdatedAt"}
)
"""What ``UpdateAgentRuntimeEndpoint`` answers (botocore's service model)."""
