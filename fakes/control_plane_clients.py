"""How requests reach the fake control plane: through real boto3 clients, with faults injected on the way.

Kept apart from the service's state because it is the transport, not the service. The clients are real: botocore
validates each request against the service model (and so does the fake, again, with botocore's own validator), fills
idempotency tokens and raises the modelled exception classes. Instead of sending, a ``before-call`` hook answers from
the fake's state, as ``botocore.stub.Stubber`` does, so no answer is scripted, and every answer is checked against the
service model too. Faults are injected by operation: an error code, or an answer lost after the service acted on the
request. ``installed()`` answers every client made in a block, as moto does, for code that makes its own clients.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Self

import boto3
import botocore.handlers
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ParamValidationError, ReadTimeoutError
from botocore.validate import validate_parameters

from fakes.control_plane_iam import Caller
from fakes.service_state import REGION, ServiceError


@dataclass
class Fault:
    """What the next ``times`` calls of ``operation`` meet instead of, or after, the service acting."""

    operation: str
    times: int
    code: str | None = None
    message: str = ""
    status: int = 400
    lose_answer: bool = False


@dataclass
class ClientWiring:
    """The boto3 side of ``fakes.control_plane.ControlPlane``: a call goes through IAM and faults to its operation."""

    faults: list[Fault] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    """Every error answered: (operation, code)."""

    def client(self, service: str = "bedrock-agentcore-control", caller: Caller | None = None) -> Any:
        """A real boto3 client whose requests this fake answers; with ``caller``, as IAM allows that caller."""
        client = boto3.client(
            service,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - a dummy; nothing is signed or sent
            config=Config(retries={"mode": "standard", "max_attempts": 1}),
        )
        service_id = client.meta.service_model.service_id.hyphenize()
        client.meta.events.register(f"before-parameter-build.{service_id}", self._keep_params)
        client.meta.events.register(f"before-call.{service_id}", functools.partial(self._answer, caller=caller))
        return client

    @contextmanager
    def installed(self, *services: str) -> Iterator[Self]:
        """Answer every client of ``services`` made in the block (any session, any code), as moto installs itself.

        For code that makes its own clients (the command line): botocore gives every new client its built-in handlers.
        """
        handlers = []
        for service in services or ("bedrock-agentcore-control",):
            service_id = boto3.session.Session().client(service, region_name=REGION).meta.service_model.service_id
            handlers += [
                (f"before-parameter-build.{service_id.hyphenize()}", self._keep_params),
                (f"before-call.{service_id.hyphenize()}", functools.partial(self._answer, caller=None)),
            ]
        botocore.handlers.BUILTIN_HANDLERS.extend(handlers)
        try:
            yield self
        finally:
            for handler in handlers:
                botocore.handlers.BUILTIN_HANDLERS.remove(handler)

    def fail(self, operation: str, code: str, *, times: int = 1, message: str = "", status: int = 400) -> None:
        """The next ``times`` calls of ``operation`` get this error, and change nothing."""
        self.faults.append(Fault(operation, times, code, message or code, status))

    def lose_answer(self, operation: str, *, times: int = 1) -> None:
        """The next ``times`` calls of ``operation`` are carried out, but their answer never arrives."""
        self.faults.append(Fault(operation, times, lose_answer=True))

    def carry_out_then_fail(self, operation: str, code: str, *, message: str = "", status: int = 400) -> None:
        """The next call of ``operation`` is carried out, and its caller is answered ``code`` all the same.

        What botocore hands the caller when its first attempt took effect but its answer was lost, and every retry
        after it was refused (throttled until botocore gave up, or a server fault).
        """
        self.faults.append(Fault(operation, 1, code, message or code, status, lose_answer=True))

    @staticmethod
    def _keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["fake_params"] = params  # the same dict botocore fills idempotency tokens into, then validates

    def _answer(
        self, model: Any, context: dict[str, Any], caller: Caller | None, **_: Any
    ) -> tuple[AWSResponse, dict[str, Any]]:
        params = context["fake_params"]
        report = validate_parameters(params, model.input_shape)
        if report:
            raise ParamValidationError(report=report)
        self.calls.append(model.name)
        fault = None
        try:
            action = f"{model.service_model.signing_name}:{model.name}"
            self._authorize_call(caller, model.name, action, params)  # type: ignore[attr-defined]
            fault = next((f for f in self.faults if f.operation == model.name and f.times > 0), None)
            if fault:
                fault.times -= 1
            if fault and not fault.lose_answer:
                raise ServiceError(fault.code or "InternalServerException", fault.message, fault.status)
            response = getattr(self, f"_{_snake(model.name)}")(copy.deepcopy(params))
            if fault and fault.code:  # carried out, and what the caller hears is an error all the same
                raise ServiceError(fault.code, fault.message, fault.status)
        except ServiceError as error:
            self.errors.append((model.name, error.code))
            body = {"Error": {"Code": error.code, "Message": error.message}}
            return AWSResponse(None, error.status, {}, None), {
                **body,
                "ResponseMetadata": {"HTTPStatusCode": error.status},
            }
        if fault and fault.lose_answer and not fault.code:
            raise ReadTimeoutError(endpoint_url=f"https://{model.service_model.endpoint_prefix}.{REGION}.amazonaws.com")
        report = validate_parameters(response, model.output_shape) if model.output_shape else None
        assert not report, f"the fake answered {model.name} outside the service model: {report.generate_report()}"
        return AWSResponse(None, 200, {}, None), response


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
