"""The conversation memory in the stack: on by default, scoped grants, gone with the stack; off with memory=false."""

import json

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template

from contract.agentcore import ACTOR_HEADER
from contract.deployment import MEMORY_ID_ENV, OUTPUT_MEMORY_ID
from fakes.control_plane import ControlPlane
from infra.memory import ConversationMemory
from infra.runtime.handler import properties as p
from tests.infra.conftest import build_app
from tests.infra.runtime.handler.cloudformation import CloudFormation
from tests.infra.runtime.handler.test_lifecycle import NAME, props

MEMORY = "AWS::BedrockAgentCore::Memory"
RUNTIME = "Custom::AgentCoreRuntime"


def memory_logical_id(template: Template) -> str:
    (logical_id,) = template.find_resources(MEMORY)
    return logical_id


def statements_mentioning(template: Template, text: str) -> list[dict]:
    return [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if text in json.dumps(statement)
    ]


def memory_statements(template: Template) -> list[dict]:
    """Statements that allow any AgentCore Memory data-plane action (events, sessions, actors, records)."""
    words = ("Event", "Session", "Actor", "MemoryRecord")
    return [
        statement
        for statement in statements_mentioning(template, "bedrock-agentcore:")
        if any(
            action.startswith("bedrock-agentcore:") and any(word in action for word in words)
            for action in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
        )
    ]


def test_memory__exists_by_default_keeps_events_30_days_and_is_deleted_with_the_stack(template):
    template.resource_count_is(MEMORY, 1)
    template.has_resource(
        MEMORY,
        {
            "Properties": {"Name": "agentcore_streaming_agent_memory", "EventExpiryDuration": 30},
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
        },
    )
    assert "MemoryStrategies" not in template.find_resources(MEMORY)[memory_logical_id(template)]["Properties"]


def test_memory__id_reaches_the_container_as_memory_id(template):
    template.has_resource_properties(
        RUNTIME,
        {
            p.ENVIRONMENT_VARIABLES: Match.object_like(
                {MEMORY_ID_ENV: {"Fn::GetAtt": [memory_logical_id(template), "MemoryId"]}}
            )
        },
    )


def test_memory__execution_role_may_write_and_read_events_of_this_memory_only(template):
    memory_arn = {"Fn::GetAtt": [memory_logical_id(template), "MemoryArn"]}

    granted = memory_statements(template)

    assert granted == [
        {
            "Action": ["bedrock-agentcore:CreateEvent", "bedrock-agentcore:ListEvents"],
            "Effect": "Allow",
            "Resource": memory_arn,
        }
    ]
    assert statements_mentioning(template, "MemoryArn") == granted, "nothing else may touch the memory"


def test_memory__id_is_a_stack_output_for_the_client(template):
    template.has_output(OUTPUT_MEMORY_ID, {"Value": {"Fn::GetAtt": [memory_logical_id(template), "MemoryId"]}})


def test_runtime__forwards_the_actor_header(template):
    template.has_resource_properties(
        RUNTIME, {p.REQUEST_HEADER_CONFIGURATION: {"requestHeaderAllowlist": [ACTOR_HEADER]}}
    )


def test_memory_expiry__is_configurable_in_days(tmp_path):
    _, stack = build_app(str(tmp_path), bundle=False, memory_expiry_days=7)

    Template.from_stack(stack).has_resource_properties(MEMORY, {"EventExpiryDuration": 7})


def test_memory_false__no_memory_no_memory_id_no_grant(synthesized_without_memory):
    stack, _, _ = synthesized_without_memory
    template = Template.from_stack(stack)

    template.resource_count_is(MEMORY, 0)
    (runtime,) = template.find_resources(RUNTIME).values()
    assert MEMORY_ID_ENV not in runtime["Properties"][p.ENVIRONMENT_VARIABLES]
    assert memory_statements(template) == []
    assert OUTPUT_MEMORY_ID not in template.find_outputs("*")
    assert runtime["Properties"][p.REQUEST_HEADER_CONFIGURATION] == {"requestHeaderAllowlist": [ACTOR_HEADER]}


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"memory_name": "has-hyphen"}, "memory name"),
        ({"memory_name": "ok", "event_expiry": cdk.Duration.hours(36)}, "whole number of days"),
        ({"memory_name": "ok", "event_expiry": cdk.Duration.days(2)}, "from 3 to 365"),
    ],
)
def test_conversation_memory__refuses_what_agentcore_would(kwargs, problem):
    with pytest.raises(ValueError, match=problem):
        ConversationMemory(cdk.Stack(), "Memory", **kwargs)


def test_handler__creates_and_updates_the_runtime_with_the_header_allowlist(stack_templates):
    plane = ControlPlane()
    stack = CloudFormation(plane, stack_templates)
    allowlist = {"requestHeaderAllowlist": [ACTOR_HEADER]}

    created = stack.create({**props(), p.REQUEST_HEADER_CONFIGURATION: allowlist})
    kept = plane.by_name()[NAME].configuration.get(p.REQUEST_HEADER_CONFIGURATION)
    updated = stack.update(props())

    assert (created, kept) == ("CREATE_COMPLETE", allowlist)
    assert updated == "UPDATE_COMPLETE"
    assert p.REQUEST_HEADER_CONFIGURATION not in plane.by_name()[NAME].configuration
