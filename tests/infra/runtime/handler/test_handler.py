"""Handler details that the lifecycle suite (test_lifecycle.py) does not pin down, against botocore's Stubber."""

import datetime

import pytest
from botocore.exceptions import ClientError

from infra.runtime.handler import errors, handler, runtime_log_groups, service_model
from infra.runtime.handler import properties as p
from infra.runtime.handler.event import CfnEvent
from tests.infra.runtime.handler.cloudformation import EXECUTION_ROLE_ARN as ROLE_ARN
from tests.infra.runtime.handler.cloudformation import runtime_properties

RUNTIME_ID = "agentcore_streaming-AbCdE12345"
ACCOUNT = "123456789012"
REGION = "us-east-1"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/cdk-hnb659fds-container-assets-{ACCOUNT}-{REGION}:abc123"
NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def runtime_arn(runtime_id=RUNTIME_ID):
    return f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:runtime/{runtime_id}"


def cfn_properties(name="agentcore_streaming", image=IMAGE):
    """What CloudFormation delivers: every scalar a string."""
    return {
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:provider",
        **runtime_properties(name, image),
    }


def event(request_type, *, physical_id=None, props=None, old_props=None, data=None, request_id="req-1"):
    raw = {
        "RequestType": request_type,
        "RequestId": request_id,
        "LogicalResourceId": "AgentRuntime",
        "StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/agentcore/guid",
        "ResourceType": p.RESOURCE_TYPE,
        "ResourceProperties": props if props is not None else cfn_properties(),
    }
    if physical_id is not None:
        raw["PhysicalResourceId"] = physical_id
    if old_props is not None:
        raw["OldResourceProperties"] = old_props
    if data is not None:
        raw["Data"] = data
    return raw


def described(status, version="1", failure_reason=None, runtime_id=RUNTIME_ID):
    response = {
        "agentRuntimeArn": runtime_arn(runtime_id),
        "agentRuntimeName": "agentcore_streaming",
        "agentRuntimeId": runtime_id,
        "agentRuntimeVersion": version,
        "createdAt": NOW,
        "lastUpdatedAt": NOW,
        "roleArn": ROLE_ARN,
        "networkConfiguration": {"networkMode": "PUBLIC"},
        "lifecycleConfiguration": {"idleRuntimeSessionTimeout": 900, "maxLifetime": 28800},
        "status": status,
    }
    if failure_reason:
        response["failureReason"] = failure_reason
    return response


def data(runtime_id=RUNTIME_ID, version="1"):
    return {p.ATTR_ARN: runtime_arn(runtime_id), p.ATTR_ID: runtime_id, p.ATTR_VERSION: version}


def token(request_id="req-1"):
    return CfnEvent.of(event("Create", request_id=request_id)).client_token


def test_client_token__is_stable_per_request_and_within_the_model_limits():
    first, retried, other = token("req-1"), token("req-1"), token("req-2")

    assert first == retried
    assert first != other
    assert 33 <= len(first) <= 256


def test_on_event__create_rejects_handler_owned_property(clients):
    props = {**cfn_properties(), p.CLIENT_TOKEN: "x" * 40}

    with pytest.raises(ValueError, match="clientToken"):
        handler.on_event(event("Create", props=props), clients=clients)


def test_is_complete__update_polls_the_new_version(clients, stubber):
    request = {"agentRuntimeId": RUNTIME_ID, "agentRuntimeVersion": "2"}
    stubber.add_response("get_agent_runtime", described("READY", version="2"), request)

    result = handler.is_complete(event("Update", physical_id=RUNTIME_ID, data=data(version="2")), clients=clients)

    assert result == {"IsComplete": True, "Data": data(version="2")}


@pytest.mark.parametrize("status", ["CREATE_FAILED", "UPDATE_FAILED"])
def test_is_complete__failed_status_raises_with_failure_reason(clients, stubber, status):
    reason = "Image manifest does not support linux/arm64"
    stubber.add_response("get_agent_runtime", described(status, failure_reason=reason))

    with pytest.raises(RuntimeError, match=f"{status}: {reason}"):
        handler.is_complete(event("Create", physical_id=RUNTIME_ID, data=data()), clients=clients)


def test_is_complete__other_errors_raise(clients, stubber):
    stubber.add_client_error("get_agent_runtime", "AccessDeniedException", "not authorized", 403)

    with pytest.raises(ClientError, match="not authorized"):
        handler.is_complete(event("Create", physical_id=RUNTIME_ID, data=data()), clients=clients)


def test_is_complete__delete_failed_raises(clients, stubber):
    stubber.add_response("get_agent_runtime", described("DELETE_FAILED", failure_reason="endpoint still in use"))

    with pytest.raises(RuntimeError, match="DELETE_FAILED: endpoint still in use"):
        handler.is_complete(event("Delete", physical_id=RUNTIME_ID, data={p.ATTR_ID: RUNTIME_ID}), clients=clients)


def test_service_model_request__converts_booleans_and_integers_per_model(control):
    props = {
        p.AGENT_RUNTIME_NAME: "a",
        p.AGENT_RUNTIME_ARTIFACT: {"containerConfiguration": {"containerUri": IMAGE}},
        p.ROLE_ARN: ROLE_ARN,
        p.NETWORK_CONFIGURATION: {
            "networkMode": "VPC",
            "networkModeConfig": {
                "securityGroups": ["sg-1"],
                "subnets": ["subnet-1"],
                "requireServiceS3Endpoint": "true",
            },
        },
        p.LIFECYCLE_CONFIGURATION: {"idleRuntimeSessionTimeout": "60"},
        p.ENVIRONMENT_VARIABLES: {"PORT": "8080"},
    }

    request = service_model.request(control, "CreateAgentRuntime", props)

    assert request[p.NETWORK_CONFIGURATION]["networkModeConfig"]["requireServiceS3Endpoint"] is True
    assert request[p.LIFECYCLE_CONFIGURATION]["idleRuntimeSessionTimeout"] == 60
    assert request[p.ENVIRONMENT_VARIABLES] == {"PORT": "8080"}


def test_clients__use_standard_retries_and_short_timeouts(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    clients = handler.default_clients()

    for client in (clients.control, clients.logs):
        assert client.meta.config.retries["mode"] == "standard"
        assert client.meta.config.read_timeout <= 30
    assert clients.control.meta.service_model.service_name == handler.SERVICE
    assert clients.logs.meta.service_model.service_name == "logs"


@pytest.mark.parametrize(
    ("message", "retried"),
    [
        ("Role validation failed for 'arn:aws:iam::123456789012:role/ExecutionRole'. Please verify the trust", True),
        ("The role arn:aws:iam::123456789012:role/ExecutionRole cannot be assumed by the service", True),
        ("roleArn arn:aws:iam::999999999999:role/Other is in another account", False),
        ("Value at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern", False),
    ],
)
def test_errors__only_the_propagation_messages_mean_role_not_ready(message, retried):
    error = ClientError({"Error": {"Code": "ValidationException", "Message": message}}, "CreateAgentRuntime")

    assert errors.is_role_not_ready(error) is retried


def test_log_groups__prefix_ends_with_a_hyphen_so_no_other_runtime_matches():
    assert runtime_log_groups.runtime_log_group_prefix(RUNTIME_ID) == f"/aws/bedrock-agentcore/runtimes/{RUNTIME_ID}-"
