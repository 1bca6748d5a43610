"""``ConversationMemory``: an Amazon Bedrock AgentCore Memory that keeps the agent's conversations between sessions.

A plain ``AWS::BedrockAgentCore::Memory`` (aws-cdk-lib's L1 ``CfnMemory``) with no long-term strategy: the agent
stores each turn as short-term events and reads them back, nothing is extracted or summarised. Events expire
after ``event_expiry``; the memory, and every conversation in it, is deleted with the stack.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_bedrockagentcore as agentcore
from aws_cdk import aws_iam as iam
from constructs import Construct

from contract.agentcore import RUNTIME_NAME_PATTERN
from infra.config import DEFAULT_MEMORY_EXPIRY_DAYS, MEMORY_EXPIRY_DAYS

CONVERSATION_ACTIONS = ["bedrock-agentcore:CreateEvent", "bedrock-agentcore:ListEvents"]
"""The data-plane calls the agent makes (``agent.conversation.memory_store``): write a turn, read a conversation
back."""

DEFAULT_EXPIRY = cdk.Duration.days(DEFAULT_MEMORY_EXPIRY_DAYS)


class ConversationMemory(Construct):
    """An AgentCore Memory for conversations, removed (with its events) when the stack is destroyed."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        memory_name: str,
        event_expiry: cdk.Duration = DEFAULT_EXPIRY,
        description: str | None = None,
    ) -> None:
        """Create the memory.

        :param memory_name: the memory's name; letters, digits and underscores, starting with a letter, at most 48.
            Changing it replaces the memory, and the conversations in it are lost.
        :param event_expiry: how long a conversation's events are kept, in whole days from 3 to 365. Default: 30 days.
        :param description: the memory's description. Default: none.
        """
        super().__init__(scope, construct_id)
        if not RUNTIME_NAME_PATTERN.fullmatch(memory_name):
            raise ValueError(
                f"memory name {memory_name!r} is not accepted by AgentCore: it must start with a letter and contain "
                "only letters, digits and underscores, at most 48 characters"
            )
        days = event_expiry.to_days(integral=False)
        low, high = MEMORY_EXPIRY_DAYS
        if days != int(days) or not low <= days <= high:
            raise ValueError(f"event_expiry must be a whole number of days from {low} to {high}, got {days:g} days")
        self.event_expiry_days = int(days)
        resource = agentcore.CfnMemory(
            self,
            "Resource",
            name=memory_name,
            event_expiry_duration=self.event_expiry_days,
            description=description,
        )
        # The conversations are this stack's data: `cdk destroy` deletes them rather than leaving an orphan behind.
        resource.apply_removal_policy(cdk.RemovalPolicy.DESTROY)
        self.memory_id: str = resource.attr_memory_id
        """The memory's id, what the data plane's ``memoryId`` takes."""
        self.memory_arn: str = resource.attr_memory_arn
        """``arn:aws:bedrock-agentcore:REGION:ACCOUNT:memory/<id>``."""

    def grant_conversations(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to write and read conversations (events) of this memory, and nothing else of it."""
        return iam.Grant.add_to_principal(
            grantee=grantee, actions=CONVERSATION_ACTIONS, resource_arns=[self.memory_arn]
        )
