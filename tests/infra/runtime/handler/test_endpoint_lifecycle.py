"""Named endpoints through CloudFormation's own sequences, against the stateful control-plane fake.

After each sequence the test asserts the stack's status and exactly which endpoints exist, on which runtime, serving
which version: no orphan, none of someone else's touched. The handlers run under the IAM policies the synthesized
stack gives them (``endpoint_stack.py`` drives the runtime and its endpoints in CloudFormation's order).
"""

import pytest

from contract.endpoints import LATEST
from fakes.control_plane import REGION, ControlPlane, runtime_arn
from infra.runtime.handler import properties as p
from tests.infra.runtime.handler.cloudformation import runtime_properties
from tests.infra.runtime.handler.endpoint_stack import RUNTIME, EndpointStack, endpoint_id

NAME = "agentcore_streaming"
REPOSITORY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/cdk-hnb659fds-container-assets-123456789012-us-east-1"
IMAGE_V1, IMAGE_V2 = f"{REPOSITORY}:v1", f"{REPOSITORY}:v2"


def runtime(image=IMAGE_V1, name=NAME):
    return runtime_properties(name, image)


@pytest.fixture
def plane():
    return ControlPlane()


@pytest.fixture
def stack(plane, stack_templates):
    return EndpointStack(plane, stack_templates)


def served(plane):
    """Every named endpoint that exists: (runtime name, endpoint name) → (status, version it serves)."""
    return {
        (owner.name, endpoint.name): (endpoint.status, endpoint.live_version)
        for owner in plane.runtimes.values()
        for endpoint in owner.endpoints.values()
    }


def the_runtime(plane):
    (only,) = plane.runtimes.values()
    return only


# ---- the ordinary lifecycle -----------------------------------------------------------------------------------------


def test_create__each_endpoint_serves_its_version_and_carries_the_owner_tags(plane, stack):
    status = stack.create(runtime(), {"live": "1", "canary": LATEST})

    endpoint = the_runtime(plane).endpoints["live"]
    assert status == "CREATE_COMPLETE"
    assert served(plane) == {(NAME, "live"): ("READY", "1"), (NAME, "canary"): ("READY", "1")}
    assert endpoint.tags[p.OWNER_STACK_TAG] == stack.stack_id
    assert endpoint.tags[p.OWNER_LOGICAL_ID_TAG] == endpoint_id("live")
    assert stack.endpoint_arn("live") == endpoint.arn
    assert stack.deployed[endpoint_id("live")].attributes[p.ATTR_LIVE_VERSION] == "1"


def test_new_version__a_following_endpoint_moves_to_it_a_pinned_one_stays(plane, stack):
    stack.create(runtime(), {"live": "1", "canary": LATEST})

    status = stack.update(runtime(IMAGE_V2), {"live": "1", "canary": LATEST})

    assert status == "UPDATE_COMPLETE"
    assert served(plane) == {(NAME, "live"): ("READY", "1"), (NAME, "canary"): ("READY", "2")}
    assert the_runtime(plane).live_version == 2  # what DEFAULT serves


def test_promote__moves_the_endpoint_and_records_the_version_it_served_before(plane, stack):
    stack.create(runtime(), {"live": LATEST})
    stack.update(runtime(IMAGE_V2), {"live": "1"})

    status = stack.update(runtime(IMAGE_V2), {"live": "2"})

    endpoint = the_runtime(plane).endpoints["live"]
    assert status == "UPDATE_COMPLETE"
    assert served(plane) == {(NAME, "live"): ("READY", "2")}
    assert endpoint.tags[p.PREVIOUS_VERSION_TAG] == "1"
    assert p.CREATE_TOKEN_TAG not in endpoint.tags  # the first update leaves only the owner's tags


def test_endpoint_removed_from_the_setting__is_deleted_with_its_log_group(plane, stack):
    stack.create(runtime(), {"live": "1", "canary": LATEST})
    runtime_id = the_runtime(plane).runtime_id

    status = stack.update(runtime(), {"live": "1"})

    assert status == "UPDATE_COMPLETE"
    assert served(plane) == {(NAME, "live"): ("READY", "1")}
    assert plane.runtime_log_groups(runtime_id) == {
        f"/aws/bedrock-agentcore/runtimes/{runtime_id}-DEFAULT",
        f"/aws/bedrock-agentcore/runtimes/{runtime_id}-live",
    }


def test_stack_delete__removes_the_endpoints_then_the_runtime_and_every_log_group(plane, stack):
    stack.create(runtime(), {"live": "1", "canary": LATEST})

    status = stack.delete()

    assert status == "DELETE_COMPLETE"
    assert plane.runtimes == {}
    assert plane.log_groups == set()


@pytest.mark.parametrize(
    "fault",
    [
        lambda plane: plane.fail("DeleteAgentRuntimeEndpoint", "ThrottlingException", status=429, times=4),
        lambda plane: plane.fail("GetAgentRuntimeEndpoint", "ThrottlingException", status=429, times=3),
        lambda plane: plane.fail("DeleteAgentRuntimeEndpoint", "ConflictException", status=409, times=2),
    ],
    ids=["delete throttled", "polls throttled", "delete refused while busy"],
)
def test_stack_delete__asks_again_through_faults_and_leaves_nothing(plane, stack, fault):
    stack.create(runtime(), {"live": "1"})
    fault(plane)

    status = stack.delete()

    assert status == "DELETE_COMPLETE"
    assert (plane.runtimes, plane.log_groups) == ({}, set())


def test_rename__the_new_runtime_gets_the_endpoints_and_the_old_one_goes_with_its_own(plane, stack):
    stack.create(runtime(), {"live": "1"})

    status = stack.update(runtime(name="agentcore_renamed"), {"live": "1"})

    assert status == "UPDATE_COMPLETE"
    assert served(plane) == {("agentcore_renamed", "live"): ("READY", "1")}


# ---- failures and their rollbacks -----------------------------------------------------------------------------------


def test_create__pinned_to_a_version_the_runtime_lacks__rolls_back_leaving_nothing(plane, stack):
    status = stack.create(runtime(), {"live": "3"})

    assert status == "ROLLBACK_COMPLETE"
    assert "has no version 3" in stack.last_failure()
    assert plane.runtimes == {}


def test_promote_to_a_version_that_fails__rolls_back_to_the_version_it_served(plane, stack):
    stack.create(runtime(), {"live": LATEST})
    stack.update(runtime(IMAGE_V2), {"live": "1"})
    plane.next_endpoint_change_settles_as("UPDATE_FAILED", "the version's image could not be pulled")

    status = stack.update(runtime(IMAGE_V2), {"live": "2"})

    assert status == "UPDATE_ROLLBACK_COMPLETE"
    assert "UPDATE_FAILED: the version's image could not be pulled" in stack.last_failure()
    assert served(plane) == {(NAME, "live"): ("READY", "1")}


def test_new_version_then_another_resource_fails__the_endpoints_follow_the_runtime_back(plane, stack):
    stack.create(runtime(), {"live": "1", "canary": LATEST})

    status = stack.update(runtime(IMAGE_V2), {"live": "2", "canary": LATEST}, then_fail=True)

    latest = the_runtime(plane).version  # the rollback updates the runtime back: a third version, with image v1
    image = the_runtime(plane).history[latest]["agentRuntimeArtifact"]["containerConfiguration"]["containerUri"]
    assert (status, image) == ("UPDATE_ROLLBACK_COMPLETE", IMAGE_V1)
    assert served(plane) == {(NAME, "live"): ("READY", "1"), (NAME, "canary"): ("READY", str(latest))}


def test_create__an_endpoint_of_the_name_someone_else_made_fails_and_is_left_alone(plane, stack):
    stack.create(runtime(), {})
    runtime_id = the_runtime(plane).runtime_id
    foreign = plane.add_foreign_endpoint(runtime_id, "live")

    status = stack.update(runtime(), {"live": "1"})

    assert status == "UPDATE_ROLLBACK_COMPLETE"
    assert "that this stack did not create" in stack.last_failure()
    assert the_runtime(plane).endpoints == {"live": foreign}
    assert foreign.tags == {}


# ---- lost answers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        lambda plane: plane.lose_answer("CreateAgentRuntimeEndpoint"),
        lambda plane: plane.carry_out_then_fail("CreateAgentRuntimeEndpoint", "ThrottlingException", status=429),
        lambda plane: plane.carry_out_then_fail("CreateAgentRuntimeEndpoint", "InternalServerException", status=500),
    ],
    ids=["answer lost", "throttled after it took effect", "server fault after it took effect"],
)
def test_create_whose_outcome_is_unknown__the_endpoint_it_made_is_the_resource(plane, stack, fault):
    stack.create(runtime(), {})
    fault(plane)

    status = stack.update(runtime(), {"live": "1"})

    assert status == "UPDATE_COMPLETE"
    assert served(plane) == {(NAME, "live"): ("READY", "1")}
    assert stack.endpoint_arn("live") == the_runtime(plane).endpoints["live"].arn


def test_lost_create_answer_and_a_failed_lookup__the_rollback_deletes_exactly_that_endpoint(plane, stack):
    plane.lose_answer("CreateAgentRuntimeEndpoint")
    plane.fail("GetAgentRuntimeEndpoint", "ThrottlingException", message="Rate exceeded", status=429)

    status = stack.create(runtime(), {"live": "1"})

    assert status == "ROLLBACK_COMPLETE"
    assert "got no answer it can trust" in stack.last_failure()
    assert plane.runtimes == {}


def test_rollback_refused_while_the_endpoint_never_leaves_creating__fails_naming_it_and_the_command(plane, stack):
    plane.next_endpoint_change_never_settles()
    plane.lose_answer("CreateAgentRuntimeEndpoint")
    plane.fail("GetAgentRuntimeEndpoint", "ThrottlingException", message="Rate exceeded", status=429)

    status = stack.create(runtime(), {"live": "1"})
    reason = stack.last_failure()

    runtime_id = the_runtime(plane).runtime_id
    assert status == "ROLLBACK_FAILED"
    assert served(plane) == {(NAME, "live"): ("CREATING", None)}
    assert f"endpoint live of AgentCore runtime {runtime_id} is still CREATING after 30 minutes" in reason
    assert (
        f"aws bedrock-agentcore-control delete-agent-runtime-endpoint --agent-runtime-id {runtime_id} "
        f"--endpoint-name live --region {REGION}"
    ) in reason


# ---- IAM -----------------------------------------------------------------------------------------------------------


def test_handler_policies__reach_an_endpoint_only_with_this_stacks_tag(stack):
    stack.create(runtime(), {})
    endpoint = f"{runtime_arn(f'{NAME}-AbCdEfGhIj')}/runtime-endpoint/live"
    ours = {f"aws:ResourceTag/{p.OWNER_STACK_TAG}": stack.stack_id}
    another_stack = {f"aws:ResourceTag/{p.OWNER_STACK_TAG}": stack.stack_id.replace("agentcore", "other")}

    for handler_name, action in (
        ("on_event", "bedrock-agentcore:UpdateAgentRuntimeEndpoint"),
        ("on_event", "bedrock-agentcore:DeleteAgentRuntimeEndpoint"),
        ("is_complete", "bedrock-agentcore:DeleteAgentRuntimeEndpoint"),
    ):
        policy = stack.cfn.policies[handler_name]
        assert policy.allows(action, endpoint, ours)
        assert not policy.allows(action, endpoint, another_stack)
        assert not policy.allows(action, endpoint, {})


def test_runtime_resource__is_created_before_its_endpoints(stack):
    assert stack.create(runtime(), {"live": "1"}) == "CREATE_COMPLETE"
    assert [request.request_type for request in stack.cfn.requests] == ["Create", "Create"]
    assert stack.deployed[RUNTIME].physical_id in stack.endpoint_arn("live")
