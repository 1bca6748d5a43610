"""The custom resource through CloudFormation's own sequences, against a stateful fake of the control plane.

After each sequence the test asserts the stack's status and the exact set of runtimes that exist, with their
configuration: no orphan, no stuck stack. The handlers run with the IAM policies the synthesized stack gives them,
changed when CloudFormation changes them (``tests/infra/cloudformation.py``).
"""

import copy

import pytest

from fakes.control_plane import ACCOUNT, NETWORK_ROLE_ARN, REGION, ControlPlane, runtime_arn
from infra.runtime.handler import properties as p
from infra.runtime.handler.changes import ROLE_RETRY_DELAYS
from infra.runtime.handler.event import UNCONFIRMED_PREFIX
from tests.infra.conftest import VPC_OWN_GROUPS
from tests.infra.runtime.handler.cloudformation import EXECUTION_ROLE_ARN as ROLE_ARN
from tests.infra.runtime.handler.cloudformation import MAX_POLLS, CloudFormation, runtime_properties
from tests.infra.runtime.handler.handler_policies import handler_policy_resources, runtime_resource
from tests.infra.service_reference import actions_on

REPOSITORY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/cdk-hnb659fds-container-assets-{ACCOUNT}-{REGION}"
IMAGE_V1, IMAGE_V2 = f"{REPOSITORY}:v1", f"{REPOSITORY}:v2"
NAME, NEW_NAME = "agentcore_streaming", "agentcore_renamed"
RUNTIME_ACTIONS = actions_on("bedrock-agentcore", "runtime")
"""Every action the Service Authorization Reference authorizes on an AgentCore runtime."""


def props(name=NAME, image=IMAGE_V1, tags=None):
    """What CloudFormation delivers, with the construct's tags when given."""
    properties = runtime_properties(name, image)
    if tags is not None:
        properties[p.TAGS] = tags
    return properties


@pytest.fixture
def plane():
    return ControlPlane()


@pytest.fixture
def stack(plane, stack_templates):
    return CloudFormation(plane, stack_templates)


@pytest.fixture(params=[True, False], ids=["policies-roll-back-first", "runtime-rolls-back-first"])
def stack_either_rollback_order(request, plane, stack_templates):
    """A stack whose rollbacks restore the handlers' policies before the runtime (CloudFormation's order) or after."""
    return CloudFormation(plane, stack_templates, policies_roll_back_first=request.param)


def images(plane):
    """Every runtime that exists: name → (status, image)."""
    return {
        name: (runtime.status, runtime.configuration["agentRuntimeArtifact"]["containerConfiguration"]["containerUri"])
        for name, runtime in plane.by_name().items()
    }


def log_group(runtime_id):
    """The log group AgentCore creates for the runtime's DEFAULT endpoint."""
    return f"/aws/bedrock-agentcore/runtimes/{runtime_id}-DEFAULT"


def user_tags(runtime):
    return {key: value for key, value in runtime.tags.items() if key not in p.HANDLER_TAGS}


# ---- the ordinary lifecycle ----------------------------------------------------------------------------------------


def test_create__one_ready_runtime_with_the_typed_configuration_and_owner_tags(plane, stack):
    status = stack.create(props())

    runtime = plane.by_name()[NAME]
    assert status == "CREATE_COMPLETE"
    assert images(plane) == {NAME: ("READY", IMAGE_V1)}
    assert runtime.configuration["lifecycleConfiguration"] == {"idleRuntimeSessionTimeout": 900, "maxLifetime": 28800}
    assert runtime.tags[p.OWNER_STACK_TAG] == stack.stack_id
    assert runtime.tags[p.OWNER_LOGICAL_ID_TAG] == "AgentRuntime"
    assert stack.physical_id == runtime.runtime_id
    assert stack.attributes == {p.ATTR_ARN: runtime.arn, p.ATTR_ID: runtime.runtime_id, p.ATTR_VERSION: "1"}


def test_update__same_id_new_version_new_image(plane, stack):
    stack.create(props())
    runtime_id = stack.physical_id

    status = stack.update(props(image=IMAGE_V2))

    assert status == "UPDATE_COMPLETE"
    assert images(plane) == {NAME: ("READY", IMAGE_V2)}
    assert stack.physical_id == runtime_id
    assert stack.attributes[p.ATTR_VERSION] == "2"


def test_update__of_a_runtime_deleted_behind_our_back_creates_it_again(plane, stack):
    stack.create(props())
    plane.runtimes.clear()

    status = stack.update(props(image=IMAGE_V2))

    assert status == "UPDATE_COMPLETE"
    assert images(plane) == {NAME: ("READY", IMAGE_V2)}
    assert stack.physical_id == plane.by_name()[NAME].runtime_id


# ---- the auth mode: authorizerConfiguration is updated in place --------------------------------------------------

COGNITO_DISCOVERY = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI/.well-known/openid-configuration"


def signed_in(properties, discovery=COGNITO_DISCOVERY, clients=("app-client-1",)):
    """The runtime's properties with a JWT authorizer, as the construct writes them for ``auth=cognito``/``jwt``."""
    return {
        **properties,
        p.AUTHORIZER_CONFIGURATION: {"customJWTAuthorizer": {"discoveryUrl": discovery, "allowedClients": clients}},
        p.REQUEST_HEADER_CONFIGURATION: {"requestHeaderAllowlist": ["Authorization"]},
    }


def test_auth__iam_to_cognito_to_iam_updates_one_runtime_in_place_and_ends_without_an_authorizer(plane, stack):
    stack.create(props())
    runtime_id = stack.physical_id

    to_cognito = stack.update(signed_in(props()))
    with_authorizer = copy.deepcopy(plane.by_name()[NAME].configuration)
    back_to_iam = stack.update(props())

    runtime = plane.by_name()[NAME]
    assert (to_cognito, back_to_iam) == ("UPDATE_COMPLETE", "UPDATE_COMPLETE")
    assert list(plane.by_name()) == [NAME]
    assert (runtime.runtime_id, runtime.version, runtime.status) == (runtime_id, 3, "READY")
    assert with_authorizer[p.AUTHORIZER_CONFIGURATION]["customJWTAuthorizer"]["allowedClients"] == ["app-client-1"]
    assert p.AUTHORIZER_CONFIGURATION not in runtime.configuration
    assert p.REQUEST_HEADER_CONFIGURATION not in runtime.configuration


def test_auth__cognito_to_another_provider_replaces_the_authorizer_whole(plane, stack):
    stack.create(signed_in(props()))

    status = stack.update(signed_in(props(), "https://login.example.com/.well-known/openid-configuration", ("a", "b")))

    authorizer = plane.by_name()[NAME].configuration[p.AUTHORIZER_CONFIGURATION]["customJWTAuthorizer"]
    assert status == "UPDATE_COMPLETE"
    assert authorizer == {
        "discoveryUrl": "https://login.example.com/.well-known/openid-configuration",
        "allowedClients": ["a", "b"],
    }


def test_auth__a_failed_switch_to_cognito_rolls_back_to_iam(plane, stack):
    stack.create(props())
    plane.next_change_settles_as("UPDATE_FAILED", "discovery URL could not be fetched")

    status = stack.update(signed_in(props()))

    runtime = plane.by_name()[NAME]
    assert status == "UPDATE_ROLLBACK_COMPLETE"
    assert runtime.status == "READY"
    assert p.AUTHORIZER_CONFIGURATION not in runtime.configuration


# ---- tags: create-only in the service model, changed in place --------------------------------------------------


def test_tags__set_at_create_and_changed_in_place_by_update(plane, stack):
    stack.create(props(tags={"team": "agents", "cost-center": "42"}))
    runtime_id = stack.physical_id

    status = stack.update(props(image=IMAGE_V2, tags={"team": "platform", "env": "prod"}))

    runtime = plane.by_name()[NAME]
    assert status == "UPDATE_COMPLETE"
    assert runtime.runtime_id == runtime_id
    assert user_tags(runtime) == {"team": "platform", "env": "prod"}
    assert runtime.tags[p.OWNER_STACK_TAG] == stack.stack_id
    assert p.CREATE_TOKEN_TAG not in runtime.tags


def test_tags__added_outside_the_template_are_left_alone(plane, stack):
    stack.create(props(tags={"team": "agents"}))
    plane.by_name()[NAME].tags["added-by-hand"] = "yes"

    stack.update(props(tags={}))

    assert user_tags(plane.by_name()[NAME]) == {"added-by-hand": "yes"}


def test_tags__a_failed_update_rolls_them_back(plane, stack):
    stack.create(props(tags={"team": "agents"}))
    plane.next_change_settles_as("UPDATE_FAILED", "Image not found")

    status = stack.update(props(image=IMAGE_V2, tags={"team": "platform"}))

    assert status == "UPDATE_ROLLBACK_COMPLETE"
    assert user_tags(plane.by_name()[NAME]) == {"team": "agents"}
    assert images(plane) == {NAME: ("READY", IMAGE_V1)}


def test_tags__the_handlers_own_keys_are_refused(plane, stack):
    status = stack.create(props(tags={p.OWNER_STACK_TAG: "arn:aws:cloudformation:us-east-1:1:stack/other/x"}))

    assert status == "ROLLBACK_COMPLETE"
    assert p.OWNER_STACK_TAG in stack.last_failure()
    assert plane.runtimes == {}


# ---- failures and their rollbacks ---------------------------------------------------------------------------------


def test_create_failed__rollback_deletes_the_failed_runtime(plane, stack):
    plane.next_change_settles_as("CREATE_FAILED", "Image manifest does not support linux/arm64")

    status = stack.create(props())

    assert status == "ROLLBACK_COMPLETE"
    assert "CREATE_FAILED: Image manifest does not support linux/arm64" in stack.last_failure()
    assert plane.runtimes == {}


def test_create_refused__nothing_is_created_and_the_rollback_completes(plane, stack):
    plane.fail("CreateAgentRuntime", "ValidationException", message="containerUri is not a valid URI")

    status = stack.create(props())

    assert status == "ROLLBACK_COMPLETE"
    assert "containerUri" in stack.last_failure()
    assert plane.runtimes == {}


def test_create_then_another_resource_fails__rollback_deletes_the_runtime(plane, stack):
    status = stack.create(props(), then_fail=True)

    assert status == "ROLLBACK_COMPLETE"
    assert plane.runtimes == {}
    assert plane.log_groups == set()


def test_create__name_taken_by_a_runtime_this_stack_did_not_create_fails_and_leaves_it_alone(plane, stack):
    foreign = plane.add_foreign_runtime(NAME)

    status = stack.create(props())

    assert status == "ROLLBACK_COMPLETE"
    assert "this stack did not create it" in stack.last_failure()
    assert plane.runtimes == {foreign.runtime_id: foreign}
    # IAM, not only the handler's code, kept its hands off: it may not even read the tags of a runtime without ours.
    assert ("on_event role", "bedrock-agentcore:ListTagsForResource", foreign.arn) in plane.denied


@pytest.mark.parametrize(
    ("change", "settles_as", "reason"),
    [
        ({"image": IMAGE_V2}, "UPDATE_FAILED", "Image not found"),
        ({"name": NEW_NAME}, "CREATE_FAILED", "Image manifest does not support linux/arm64"),
    ],
    ids=["update in place", "rename: its new runtime deleted"],
)
def test_failed_change__rollback_returns_to_the_old_runtime_as_it_was(
    plane, stack_either_rollback_order, change, settles_as, reason
):
    stack = stack_either_rollback_order
    stack.create(props())
    old_id = stack.physical_id
    plane.next_change_settles_as(settles_as, reason)

    status = stack.update(props(**change))

    assert status == "UPDATE_ROLLBACK_COMPLETE"
    assert images(plane) == {NAME: ("READY", IMAGE_V1)}
    assert stack.physical_id == old_id
    assert p.REPLACEMENT_TOKEN_TAG not in plane.runtimes[old_id].tags  # the rollback's bookkeeping is cleared


def test_update_then_another_resource_fails__rollback_restores_the_old_configuration(plane, stack):
    stack.create(props())

    status = stack.update(props(image=IMAGE_V2), then_fail=True)

    assert status == "UPDATE_ROLLBACK_COMPLETE"
    assert images(plane) == {NAME: ("READY", IMAGE_V1)}


# ---- renames: CloudFormation gives the handlers the new name's policies before it changes the runtime --------------


def test_runtime__depends_on_every_policy_of_the_handlers(stack_templates):
    # What makes CloudFormation update the handlers' policies before the runtime (and delete them after it).
    template = stack_templates.template(NAME)
    policies = handler_policy_resources(template)

    assert len(policies) >= 4  # each handler: its default policy and its logging policy
    assert policies <= set(runtime_resource(template)["DependsOn"])


def test_rename__replaces_the_runtime_and_deletes_the_old_one(plane, stack):
    stack.create(props())

    status = stack.update(props(name=NEW_NAME))

    assert status == "UPDATE_COMPLETE"
    assert images(plane) == {NEW_NAME: ("READY", IMAGE_V1)}
    assert plane.runtime_log_groups(stack.physical_id) == {log_group(stack.physical_id)}


def test_rename__the_old_runtimes_log_groups_stay_and_the_handler_logs_how_to_remove_them(plane, stack, caplog):
    stack.create(props())
    old_id = stack.physical_id

    stack.update(props(name=NEW_NAME))

    assert plane.log_groups == {log_group(old_id), log_group(stack.physical_id)}
    assert f"remove it with: aws logs delete-log-group --log-group-name {log_group(old_id)}" in caplog.text


def test_rename_then_another_resource_fails__rollback_returns_to_the_old_runtime(plane, stack_either_rollback_order):
    stack = stack_either_rollback_order
    stack.create(props())
    old_id = stack.physical_id

    status = stack.update(props(name=NEW_NAME), then_fail=True)

    assert status == "UPDATE_ROLLBACK_COMPLETE"
    assert images(plane) == {NAME: ("READY", IMAGE_V1)}
    assert stack.physical_id == old_id
    assert plane.by_name()[NAME].version == 2  # the rollback updated it in place, under the new name's policies


def test_rename_to_a_name_another_runtime_has__fails_and_rolls_back_leaving_it_alone(
    plane, stack_either_rollback_order
):
    stack = stack_either_rollback_order
    stack.create(props())
    old_id = stack.physical_id
    foreign = plane.add_foreign_runtime(NEW_NAME)

    status = stack.update(props(name=NEW_NAME))

    assert status == "UPDATE_ROLLBACK_COMPLETE"
    assert "this stack did not create it" in stack.last_failure()
    assert plane.runtimes.keys() == {old_id, foreign.runtime_id}
    assert plane.runtimes[old_id].status == "READY"
    assert (foreign.status, foreign.tags, foreign.version) == ("READY", {}, 1)


def test_stack_delete_after_a_rename__removes_the_runtime_and_its_log_groups(plane, stack):
    stack.create(props())
    old_id = stack.physical_id
    stack.update(props(name=NEW_NAME))

    status = stack.delete()

    assert status == "DELETE_COMPLETE"
    assert plane.runtimes == {}
    assert plane.log_groups == {log_group(old_id)}  # left by the rename, as the handler logged


def test_stack_delete_after_a_rolled_back_rename__removes_the_old_runtime(plane, stack_either_rollback_order):
    stack = stack_either_rollback_order
    stack.create(props())
    stack.update(props(name=NEW_NAME), then_fail=True)

    status = stack.delete()

    assert status == "DELETE_COMPLETE"
    assert plane.runtimes == {}


def test_rename__of_a_runtime_deleted_behind_our_back_creates_the_new_one(plane, stack):
    # IAM answers for the old runtime, which no longer has the tag its policy asks for: denied, not "not found".
    stack.create(props())
    old = plane.by_name()[NAME]
    plane.runtimes.clear()

    status = stack.update(props(name=NEW_NAME))

    assert status == "UPDATE_COMPLETE"
    assert images(plane) == {NEW_NAME: ("READY", IMAGE_V1)}
    assert ("on_event role", "bedrock-agentcore:GetAgentRuntime", old.arn) in plane.denied
    assert ("on_event role", "bedrock-agentcore:DeleteAgentRuntime", old.arn) in plane.denied


def test_handler_policies__reach_a_runtime_of_another_name_only_with_this_stacks_tag(stack):
    stack.create(props(name=NEW_NAME))
    old_name_runtime = runtime_arn(f"{NAME}-AbCdEfGhIj")
    ours = {f"aws:ResourceTag/{p.OWNER_STACK_TAG}": stack.stack_id}
    another_stack = {f"aws:ResourceTag/{p.OWNER_STACK_TAG}": stack.stack_id.replace("agentcore", "other")}

    for handler_name, action in (
        ("on_event", "bedrock-agentcore:UpdateAgentRuntime"),
        ("on_event", "bedrock-agentcore:UntagResource"),
        ("is_complete", "bedrock-agentcore:DeleteAgentRuntime"),
    ):
        policy = stack.policies[handler_name]
        assert policy.allows(action, old_name_runtime, ours)
        assert not policy.allows(action, old_name_runtime, another_stack)
        assert not policy.allows(action, old_name_runtime, {})


def test_handler_policies__reach_no_runtime_of_the_templates_name_without_this_stacks_tag(stack):
    stack.create(props())
    someone_elses = runtime_arn(f"{NAME}-AbCdEfGhIj")
    ours = {f"aws:ResourceTag/{p.OWNER_STACK_TAG}": stack.stack_id}

    for handler_name, policy in stack.policies.items():
        reached = [action for action in RUNTIME_ACTIONS if policy.allows(action, someone_elses, {})]
        assert reached == [], handler_name
    assert stack.policies["on_event"].allows("bedrock-agentcore:UpdateAgentRuntime", someone_elses, ours)


def test_handler_policies__tag_and_create_a_runtime_only_with_this_stacks_tag_in_the_request(stack):
    stack.create(props())
    new_runtime = runtime_arn(f"{NAME}-AbCdEfGhIj")
    policy = stack.policies["on_event"]
    ours = {f"aws:RequestTag/{p.OWNER_STACK_TAG}": stack.stack_id}
    another_stack = {f"aws:RequestTag/{p.OWNER_STACK_TAG}": stack.stack_id.replace("agentcore", "other")}

    for action, resource in (("CreateAgentRuntime", "*"), ("TagResource", new_runtime)):
        assert policy.allows(f"bedrock-agentcore:{action}", resource, ours)
        assert not policy.allows(f"bedrock-agentcore:{action}", resource, another_stack)
        assert not policy.allows(f"bedrock-agentcore:{action}", resource, {})
    assert not policy.allows("bedrock-agentcore:TagResource", runtime_arn(f"{NEW_NAME}-AbCdEfGhIj"), ours)


# ---- copies of this stack's owner tags on a runtime it did not create ----------------------------------------------


def copied_owner_tags(stack):
    """What anyone allowed to tag runtimes can put on one: this stack's owner tags, and a create token of its own."""
    return {
        p.OWNER_STACK_TAG: stack.stack_id,
        p.OWNER_LOGICAL_ID_TAG: stack.logical_id,
        p.CREATE_TOKEN_TAG: "0" * 64,
    }


def untouched(runtime):
    """What a test compares to show a runtime was never changed: status, version, configuration and tags."""
    return runtime.status, runtime.version, runtime.configuration, runtime.tags


def test_create__a_runtime_with_copied_owner_tags_holding_the_name_is_not_taken_over(plane, stack):
    impostor = plane.add_foreign_runtime(NAME, tags=copied_owner_tags(stack))
    before = copy.deepcopy(untouched(impostor))

    status = stack.create(props())

    assert status == "ROLLBACK_COMPLETE"
    assert "this stack did not create it" in stack.last_failure()
    assert plane.runtimes == {impostor.runtime_id: impostor}
    assert untouched(impostor) == before


def test_rename_to_a_name_a_runtime_with_copied_owner_tags_holds__neither_adopts_nor_deletes_it(
    plane, stack_either_rollback_order
):
    stack = stack_either_rollback_order
    stack.create(props())
    impostor = plane.add_foreign_runtime(NEW_NAME, tags=copied_owner_tags(stack))
    before = copy.deepcopy(untouched(impostor))

    renamed = stack.update(props(name=NEW_NAME, image=IMAGE_V2))
    refusal = stack.last_failure()
    deleted = stack.delete()

    assert (renamed, deleted) == ("UPDATE_ROLLBACK_COMPLETE", "DELETE_COMPLETE")
    assert "this stack did not create it" in refusal
    assert plane.runtimes == {impostor.runtime_id: impostor}  # this stack's own runtime went with the stack
    assert untouched(impostor) == before


# ---- lost answers ---------------------------------------------------------------------------------------------------


def test_lost_create_answer__the_runtime_created_is_the_resource(plane, stack):
    plane.lose_answer("CreateAgentRuntime")

    status = stack.create(props())

    assert status == "CREATE_COMPLETE"
    assert images(plane) == {NAME: ("READY", IMAGE_V1)}
    assert stack.physical_id == plane.by_name()[NAME].runtime_id


@pytest.mark.parametrize("lookup", ["ListAgentRuntimes", "GetAgentRuntime"], ids=["not listed", "unreadable"])
def test_lost_create_answer_and_a_failed_lookup__the_rollback_deletes_the_runtime_once_it_settles(plane, stack, lookup):
    # The create is carried out but its answer is lost and the lookup fails, so the rollback's Delete arrives while
    # the runtime is still CREATING: the service refuses the delete until it settles.
    plane.lose_answer("CreateAgentRuntime")
    plane.fail(lookup, "ThrottlingException", message="Rate exceeded", status=429)

    status = stack.create(props())

    assert status == "ROLLBACK_COMPLETE"
    assert "got no answer it can trust" in stack.last_failure()
    assert ("DeleteAgentRuntime", "ConflictException") in plane.errors
    assert plane.runtimes == {}


def create_carried_out_then_throttled(plane):
    """The create is carried out, its answer lost, and botocore's retries are throttled until it gives up."""
    plane.carry_out_then_fail("CreateAgentRuntime", "ThrottlingException", message="Rate exceeded", status=429)


@pytest.mark.parametrize("then_fail", [False, True], ids=["the stack completes", "another resource then fails"])
def test_create_throttled_after_an_attempt_took_effect__the_runtime_created_is_the_resource(plane, stack, then_fail):
    create_carried_out_then_throttled(plane)

    status = stack.create(props(), then_fail=then_fail)

    if then_fail:
        assert (status, plane.runtimes) == ("ROLLBACK_COMPLETE", {})  # the rollback found it to delete
    else:
        assert status == "CREATE_COMPLETE"
        assert images(plane) == {NAME: ("READY", IMAGE_V1)}
        assert stack.physical_id == plane.by_name()[NAME].runtime_id


def test_create_throttled_after_an_attempt_took_effect_and_a_throttled_lookup__the_rollback_deletes_it(plane, stack):
    create_carried_out_then_throttled(plane)
    plane.fail("ListAgentRuntimes", "ThrottlingException", message="Rate exceeded", status=429)

    status = stack.create(props())

    assert status == "ROLLBACK_COMPLETE"
    assert "got no answer it can trust" in stack.last_failure()
    assert plane.runtimes == {}


def test_lost_create_answer__a_new_stack_can_take_the_name_after_the_rollback(plane, stack, stack_templates):
    plane.lose_answer("CreateAgentRuntime")
    plane.fail("ListAgentRuntimes", "ThrottlingException", message="Rate exceeded", status=429)
    stack.create(props())
    again = CloudFormation(plane, stack_templates)

    status = again.create(props())

    assert status == "CREATE_COMPLETE"
    assert images(plane) == {NAME: ("READY", IMAGE_V1)}


def test_unconfirmed_create_rollback__never_deletes_a_runtime_another_request_created(plane, stack):
    stack.create(props())
    other_request = f"{UNCONFIRMED_PREFIX}{'0' * 64}"

    response = stack.send("Delete", physical_id=other_request, props=props())

    assert response.status == "SUCCESS"
    assert images(plane) == {NAME: ("READY", IMAGE_V1)}


def test_lost_rename_answer__rollback_deletes_the_runtime_cloudformation_never_learned_of(
    plane, stack_either_rollback_order
):
    stack = stack_either_rollback_order
    stack.create(props())
    old_id = stack.physical_id
    plane.lose_answer("CreateAgentRuntime")
    plane.fail("ListAgentRuntimes", "ServiceException", message="Internal failure", status=500)

    status = stack.update(props(name=NEW_NAME))

    assert status == "UPDATE_ROLLBACK_COMPLETE"
    assert images(plane) == {NAME: ("READY", IMAGE_V1)}
    assert stack.physical_id == old_id


# ---- deletes under faults -------------------------------------------------------------------------------------------


def throttled(operation, times):
    return lambda plane: plane.fail(operation, "ThrottlingException", message="Rate exceeded", status=429, times=times)


def busy(plane):
    plane.fail("DeleteAgentRuntime", "ConflictException", message="Agent runtime is UPDATING", status=409, times=3)


def polls_unanswered(plane):
    throttled("GetAgentRuntime", 2)(plane)
    plane.lose_answer("GetAgentRuntime")


def log_group_cleanup_throttled(plane):
    throttled("DescribeLogGroups", 2)(plane)
    throttled("DeleteLogGroup", 2)(plane)


@pytest.mark.parametrize(
    ("fault", "duplicate"),
    [
        (lambda plane: None, False),
        (throttled("DeleteAgentRuntime", 20), False),
        (busy, False),
        (polls_unanswered, False),
        (log_group_cleanup_throttled, False),
        (lambda plane: plane.runtimes.clear(), False),
        (lambda plane: None, True),
    ],
    ids=[
        "no fault",
        "delete throttled past botocore's retries",
        "delete refused while the runtime is busy",
        "polls throttled or unanswered",
        "log group cleanup throttled",
        "the runtime already gone",
        "the delete delivered twice",
    ],
)
def test_stack_delete__asks_again_through_every_fault_and_leaves_neither_runtime_nor_log_group(
    plane, stack, fault, duplicate
):
    stack.create(props())
    fault(plane)

    status = stack.delete(duplicate=duplicate)

    assert status == "DELETE_COMPLETE"
    assert plane.runtimes == {}
    assert plane.log_groups == set()
    assert [f.operation for f in plane.faults if f.times > 0] == []  # every fault injected was met


def test_stack_delete__a_log_group_already_gone_counts_as_deleted(plane, stack):
    stack.create(props())
    plane.fail("DeleteLogGroup", "ResourceNotFoundException", message="The specified log group does not exist.")

    status = stack.delete()

    assert status == "DELETE_COMPLETE"
    assert plane.runtimes == {}


def delete_later(runtime_id):
    return f"aws bedrock-agentcore-control delete-agent-runtime --agent-runtime-id {runtime_id} --region {REGION}"


def test_delete_throttled_for_the_whole_total_timeout__fails_naming_the_runtime_then_a_retried_delete_completes(
    plane, stack
):
    stack.create(props())
    runtime_id = stack.physical_id
    plane.fail("DeleteAgentRuntime", "ThrottlingException", message="Rate exceeded", status=429, times=MAX_POLLS + 1)

    first = stack.delete()
    reason = stack.last_failure()
    plane.faults.clear()
    second = stack.delete()

    assert first == "DELETE_FAILED"
    assert f"AgentCore runtime {runtime_id} is still READY after 30 minutes" in reason
    assert delete_later(runtime_id) in reason
    assert second == "DELETE_COMPLETE"
    assert plane.runtimes == {}


def test_rollback_refused_while_the_runtime_never_leaves_creating__fails_naming_it_its_status_and_the_command(
    plane, stack
):
    plane.next_change_never_settles()
    plane.lose_answer("CreateAgentRuntime")
    plane.fail("ListAgentRuntimes", "ThrottlingException", message="Rate exceeded", status=429)

    status = stack.create(props())
    reason = stack.last_failure()

    (runtime,) = plane.runtimes.values()  # what is left: the runtime the reason names, and nothing else
    assert status == "ROLLBACK_FAILED"
    assert (runtime.name, runtime.status) == (NAME, "CREATING")
    assert f"AgentCore runtime {runtime.runtime_id} is still CREATING after 30 minutes" in reason
    assert delete_later(runtime.runtime_id) in reason
    assert reason != "Operation timed out"


def test_rollback_failed_on_a_runtime_stuck_creating__a_stack_delete_once_it_settled_removes_it(plane, stack):
    plane.next_change_never_settles()
    plane.lose_answer("CreateAgentRuntime")
    plane.fail("ListAgentRuntimes", "ThrottlingException", message="Rate exceeded", status=429)
    stack.create(props())
    plane.settle_all()

    status = stack.delete()

    assert status == "DELETE_COMPLETE"
    assert plane.runtimes == {}


def test_delete__only_the_deleted_runtimes_log_groups_go(plane, stack):
    stack.create(props())
    other = "/aws/bedrock-agentcore/runtimes/someone_else-AbCdEfGhIj-DEFAULT"
    plane.log_groups.add(other)

    stack.delete()

    assert plane.log_groups == {other}


# ---- duplicate deliveries -------------------------------------------------------------------------------------------


def test_duplicate_create__one_runtime(plane, stack):
    status = stack.create(props(), duplicate=True)

    assert status == "CREATE_COMPLETE"
    assert images(plane) == {NAME: ("READY", IMAGE_V1)}


def test_duplicate_update__one_new_version(plane, stack):
    stack.create(props())

    status = stack.update(props(image=IMAGE_V2), duplicate=True)

    assert status == "UPDATE_COMPLETE"
    assert images(plane) == {NAME: ("READY", IMAGE_V2)}
    assert plane.by_name()[NAME].version == 2


def test_duplicate_rename__one_new_runtime_and_the_old_one_deleted(plane, stack):
    stack.create(props())

    status = stack.update(props(name=NEW_NAME), duplicate=True)

    assert status == "UPDATE_COMPLETE"
    assert images(plane) == {NEW_NAME: ("READY", IMAGE_V1)}


# ---- IAM propagation ------------------------------------------------------------------------------------------------


def test_create__retried_while_the_new_role_cannot_be_assumed_yet(plane, stack):
    plane.fail(
        "CreateAgentRuntime",
        "ValidationException",
        message=f"Role validation failed for '{ROLE_ARN}'. Please verify that the role exists",
        times=2,
    )

    status = stack.create(props())

    assert status == "CREATE_COMPLETE"
    assert stack.slept == list(ROLE_RETRY_DELAYS[:2])


def test_create__gives_up_after_bounded_role_retries(plane, stack):
    not_yet = f"The role {ROLE_ARN} cannot be assumed by bedrock-agentcore.amazonaws.com"
    plane.fail("CreateAgentRuntime", "ValidationException", message=not_yet, times=len(ROLE_RETRY_DELAYS) + 1)

    status = stack.create(props())

    assert status == "ROLLBACK_COMPLETE"
    assert stack.slept == list(ROLE_RETRY_DELAYS)
    assert plane.runtimes == {}


@pytest.mark.parametrize(
    "message",
    [
        "roleArn arn:aws:iam::999999999999:role/Other belongs to another account",
        "Value at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern",
        "The execution role trust policy does not allow the service to assume it",
    ],
)
def test_create__other_role_errors_fail_at_once(plane, stack, message):
    plane.fail("CreateAgentRuntime", "ValidationException", message=message)

    status = stack.create(props())

    assert status == "ROLLBACK_COMPLETE"
    assert stack.slept == []


# ---- VPC mode -------------------------------------------------------------------------------------------------------


def vpc_props():
    network = {
        "networkMode": "VPC",
        "networkModeConfig": {
            "subnets": list(VPC_OWN_GROUPS["vpc_subnets"]),
            "securityGroups": list(VPC_OWN_GROUPS["vpc_security_groups"]),
        },
    }
    return {**props(), p.NETWORK_CONFIGURATION: network}


def test_vpc__the_first_runtime_in_a_vpc_has_agentcore_create_its_network_role_with_the_handlers_permission(
    plane, stack_templates
):
    stack = CloudFormation(plane, stack_templates, settings=VPC_OWN_GROUPS)

    status = stack.create(vpc_props())

    assert status == "CREATE_COMPLETE"
    assert plane.by_name()[NAME].configuration[p.NETWORK_CONFIGURATION] == vpc_props()[p.NETWORK_CONFIGURATION]
    assert plane.service_linked_roles == {NETWORK_ROLE_ARN}


def test_vpc__without_the_vpc_templates_permission_the_network_role_is_refused_and_nothing_is_left(plane, stack):
    status = stack.create(vpc_props())  # under the PUBLIC template's policies

    assert status == "ROLLBACK_COMPLETE"
    assert ("on_event role", "iam:CreateServiceLinkedRole", NETWORK_ROLE_ARN) in plane.denied
    assert plane.runtimes == {}


def test_vpc__a_public_runtime_moved_into_a_vpc_by_an_update_gets_the_role_too(plane, stack_templates):
    stack = CloudFormation(plane, stack_templates, settings=VPC_OWN_GROUPS)
    stack.create(props())

    status = stack.update(vpc_props())

    assert status == "UPDATE_COMPLETE"
    assert plane.service_linked_roles == {NETWORK_ROLE_ARN}
