"""The custom-resource handler against botocore's Stubber: every request is checked against the real service model."""

import datetime

import pytest
from botocore.exceptions import ClientError

from infra.runtime_provider import handler
from infra.runtime_provider import properties as p

RUNTIME_ID = "agentcore_streaming-AbCdE12345"
NEW_RUNTIME_ID = "agentcore_renamed-ZyXwV98765"
ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/ExecutionRole"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/cdk-hnb659fds-container-assets-{ACCOUNT}-{REGION}:abc123"
NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def runtime_arn(runtime_id=RUNTIME_ID):
    return f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:runtime/{runtime_id}"


def cfn_properties(name="agentcore_streaming", image=IMAGE):
    """What CloudFormation delivers: every scalar a string."""
    return {
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:provider",
        p.AGENT_RUNTIME_NAME: name,
        p.AGENT_RUNTIME_ARTIFACT: {"containerConfiguration": {"containerUri": image}},
        p.ROLE_ARN: ROLE_ARN,
        p.NETWORK_CONFIGURATION: {"networkMode": "PUBLIC"},
        p.PROTOCOL_CONFIGURATION: {"serverProtocol": "HTTP"},
        p.ENVIRONMENT_VARIABLES: {"MODEL_ID": "us.anthropic.claude-sonnet-4-20250514-v1:0"},
        p.LIFECYCLE_CONFIGURATION: {"idleRuntimeSessionTimeout": "900", "maxLifetime": "28800"},
        p.DESCRIPTION: "Streaming Strands agent",
    }


def service_request(name="agentcore_streaming", image=IMAGE):
    """The same configuration as the service model types it."""
    request = {key: value for key, value in cfn_properties(name, image).items() if key != "ServiceToken"}
    request[p.LIFECYCLE_CONFIGURATION] = {"idleRuntimeSessionTimeout": 900, "maxLifetime": 28800}
    return request


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


def created(runtime_id=RUNTIME_ID, version="1", status="CREATING"):
    return {
        "agentRuntimeArn": runtime_arn(runtime_id),
        "agentRuntimeId": runtime_id,
        "agentRuntimeVersion": version,
        "createdAt": NOW,
        "status": status,
    }


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
    return handler.CfnEvent(event("Create", request_id=request_id)).client_token


def test_client_token__is_stable_per_request_and_within_the_model_limits():
    first, retried, other = token("req-1"), token("req-1"), token("req-2")

    assert first == retried
    assert first != other
    assert 33 <= len(first) <= 256


def test_on_event__create_sends_typed_request_with_client_token(control, stubber):
    stubber.add_response("create_agent_runtime", created(), {**service_request(), "clientToken": token()})

    result = handler.on_event(event("Create"), client=control)

    assert result == {"PhysicalResourceId": RUNTIME_ID, "Data": data()}


def test_on_event__create_retried_after_role_propagation_error(control, stubber):
    not_yet = "Role validation failed for 'arn:aws:iam::123456789012:role/ExecutionRole'. Unable to assume role"
    for _ in range(2):
        stubber.add_client_error("create_agent_runtime", "ValidationException", not_yet, 400)
    stubber.add_response("create_agent_runtime", created(), {**service_request(), "clientToken": token()})
    slept = []

    result = handler.on_event(event("Create"), client=control, sleep=slept.append)

    assert result["PhysicalResourceId"] == RUNTIME_ID
    assert slept == list(handler.ROLE_RETRY_DELAYS[:2])


def test_on_event__create_gives_up_after_bounded_role_retries(control, stubber):
    not_yet = "The execution role could not be assumed by bedrock-agentcore.amazonaws.com"
    for _ in range(len(handler.ROLE_RETRY_DELAYS) + 1):
        stubber.add_client_error("create_agent_runtime", "ValidationException", not_yet, 400)
    slept = []

    with pytest.raises(ClientError, match="could not be assumed"):
        handler.on_event(event("Create"), client=control, sleep=slept.append)

    assert slept == list(handler.ROLE_RETRY_DELAYS)


def test_on_event__create_other_validation_error_fails_at_once(control, stubber):
    stubber.add_client_error("create_agent_runtime", "ValidationException", "containerUri is not a valid URI", 400)
    slept = []

    with pytest.raises(ClientError, match="containerUri"):
        handler.on_event(event("Create"), client=control, sleep=slept.append)

    assert slept == []


def test_on_event__create_rejects_handler_owned_property(control):
    props = {**cfn_properties(), p.CLIENT_TOKEN: "x" * 40}

    with pytest.raises(ValueError, match="clientToken"):
        handler.on_event(event("Create", props=props), client=control)


def test_on_event__update_same_name_updates_in_place(control, stubber):
    new_image = IMAGE.replace("abc123", "def456")
    stubber.add_response("get_agent_runtime", described("READY"), {p.AGENT_RUNTIME_ID: RUNTIME_ID})
    expected = {**service_request(image=new_image), p.AGENT_RUNTIME_ID: RUNTIME_ID, "clientToken": token("req-2")}
    del expected[p.AGENT_RUNTIME_NAME]
    stubber.add_response(
        "update_agent_runtime", {**created(version="2", status="UPDATING"), "lastUpdatedAt": NOW}, expected
    )
    update = event(
        "Update",
        physical_id=RUNTIME_ID,
        props=cfn_properties(image=new_image),
        old_props=cfn_properties(),
        request_id="req-2",
    )

    result = handler.on_event(update, client=control)

    assert result == {"PhysicalResourceId": RUNTIME_ID, "Data": data(version="2")}


def test_on_event__update_with_new_name_creates_replacement(control, stubber):
    stubber.add_response("get_agent_runtime", described("READY"), {p.AGENT_RUNTIME_ID: RUNTIME_ID})
    expected = {**service_request(name="agentcore_renamed"), "clientToken": token("req-3")}
    stubber.add_response("create_agent_runtime", created(runtime_id=NEW_RUNTIME_ID), expected)
    update = event(
        "Update",
        physical_id=RUNTIME_ID,
        props=cfn_properties(name="agentcore_renamed"),
        old_props=cfn_properties(),
        request_id="req-3",
    )

    result = handler.on_event(update, client=control)

    assert result["PhysicalResourceId"] == NEW_RUNTIME_ID


def test_on_event__rollback_of_a_failed_rename_updates_the_old_runtime_in_place(control, stubber):
    # The rename failed: CloudFormation rolls back with the old name as the desired one and the old id as the
    # physical id. That runtime still exists under the old name, so creating it again would conflict.
    stubber.add_response("get_agent_runtime", described("READY"), {p.AGENT_RUNTIME_ID: RUNTIME_ID})
    expected = {**service_request(), p.AGENT_RUNTIME_ID: RUNTIME_ID, "clientToken": token("req-4")}
    del expected[p.AGENT_RUNTIME_NAME]
    stubber.add_response(
        "update_agent_runtime", {**created(version="2", status="UPDATING"), "lastUpdatedAt": NOW}, expected
    )
    rollback = event(
        "Update",
        physical_id=RUNTIME_ID,
        props=cfn_properties(),
        old_props=cfn_properties(name="agentcore_renamed"),
        request_id="req-4",
    )

    result = handler.on_event(rollback, client=control)

    assert result == {"PhysicalResourceId": RUNTIME_ID, "Data": data(version="2")}


def test_on_event__update_of_a_runtime_deleted_behind_our_back_creates_it_again(control, stubber):
    stubber.add_client_error("get_agent_runtime", "ResourceNotFoundException", "not found", 404)
    stubber.add_response(
        "create_agent_runtime", created(runtime_id=NEW_RUNTIME_ID), {**service_request(), "clientToken": token("req-5")}
    )
    update = event(
        "Update", physical_id=RUNTIME_ID, props=cfn_properties(), old_props=cfn_properties(), request_id="req-5"
    )

    result = handler.on_event(update, client=control)

    assert result["PhysicalResourceId"] == NEW_RUNTIME_ID


def test_on_event__delete_deletes_the_runtime(control, stubber):
    stubber.add_response(
        "delete_agent_runtime",
        {"status": "DELETING", "agentRuntimeId": RUNTIME_ID},
        {"agentRuntimeId": RUNTIME_ID, "clientToken": token()},
    )

    result = handler.on_event(event("Delete", physical_id=RUNTIME_ID), client=control)

    assert result == {"PhysicalResourceId": RUNTIME_ID}


def test_on_event__delete_of_missing_runtime_succeeds(control, stubber):
    stubber.add_client_error("delete_agent_runtime", "ResourceNotFoundException", "not found", 404)

    result = handler.on_event(event("Delete", physical_id=RUNTIME_ID), client=control)

    assert result == {"PhysicalResourceId": RUNTIME_ID}


def test_on_event__delete_after_failed_create_calls_nothing(control, stubber):
    placeholder = "2026/01/01/[$LATEST]0123456789abcdef"

    result = handler.on_event(event("Delete", physical_id=placeholder), client=control)

    assert result == {"PhysicalResourceId": placeholder}
    stubber.assert_no_pending_responses()


def test_is_complete__creating_then_ready(control, stubber):
    request = {"agentRuntimeId": RUNTIME_ID, "agentRuntimeVersion": "1"}
    stubber.add_response("get_agent_runtime", described("CREATING"), request)
    stubber.add_response("get_agent_runtime", described("READY"), request)
    polled = event("Create", physical_id=RUNTIME_ID, data=data())

    first = handler.is_complete(polled, client=control)
    second = handler.is_complete(polled, client=control)

    assert first == {"IsComplete": False}
    assert second == {"IsComplete": True, "Data": data()}


def test_is_complete__update_polls_the_new_version(control, stubber):
    request = {"agentRuntimeId": RUNTIME_ID, "agentRuntimeVersion": "2"}
    stubber.add_response("get_agent_runtime", described("READY", version="2"), request)

    result = handler.is_complete(event("Update", physical_id=RUNTIME_ID, data=data(version="2")), client=control)

    assert result == {"IsComplete": True, "Data": data(version="2")}


@pytest.mark.parametrize("status", ["CREATE_FAILED", "UPDATE_FAILED"])
def test_is_complete__failed_status_raises_with_failure_reason(control, stubber, status):
    reason = "Image manifest does not support linux/arm64"
    stubber.add_response("get_agent_runtime", described(status, failure_reason=reason))

    with pytest.raises(RuntimeError, match=f"{status}: {reason}"):
        handler.is_complete(event("Create", physical_id=RUNTIME_ID, data=data()), client=control)


def test_is_complete__throttling_means_not_yet(control, stubber):
    stubber.add_client_error("get_agent_runtime", "ThrottlingException", "Rate exceeded", 429)

    result = handler.is_complete(event("Create", physical_id=RUNTIME_ID, data=data()), client=control)

    assert result == {"IsComplete": False}


def test_is_complete__other_errors_raise(control, stubber):
    stubber.add_client_error("get_agent_runtime", "AccessDeniedException", "not authorized", 403)

    with pytest.raises(ClientError, match="not authorized"):
        handler.is_complete(event("Create", physical_id=RUNTIME_ID, data=data()), client=control)


def test_is_complete__delete_waits_until_not_found(control, stubber):
    stubber.add_response("get_agent_runtime", described("DELETING"), {"agentRuntimeId": RUNTIME_ID})
    stubber.add_client_error("get_agent_runtime", "ResourceNotFoundException", "gone", 404)
    deleting = event("Delete", physical_id=RUNTIME_ID)

    first = handler.is_complete(deleting, client=control)
    second = handler.is_complete(deleting, client=control)

    assert first == {"IsComplete": False}
    assert second == {"IsComplete": True}


def test_is_complete__delete_failed_raises(control, stubber):
    stubber.add_response("get_agent_runtime", described("DELETE_FAILED", failure_reason="endpoint still in use"))

    with pytest.raises(RuntimeError, match="DELETE_FAILED: endpoint still in use"):
        handler.is_complete(event("Delete", physical_id=RUNTIME_ID), client=control)


def test_from_cfn__converts_booleans_and_integers_per_model(control):
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

    request = handler._request(control, "CreateAgentRuntime", props)

    assert request[p.NETWORK_CONFIGURATION]["networkModeConfig"]["requireServiceS3Endpoint"] is True
    assert request[p.LIFECYCLE_CONFIGURATION]["idleRuntimeSessionTimeout"] == 60
    assert request[p.ENVIRONMENT_VARIABLES] == {"PORT": "8080"}


def test_client__uses_standard_retries(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    client = handler._client()

    assert client.meta.config.retries["mode"] == "standard"
    assert client.meta.service_model.service_name == handler.SERVICE
