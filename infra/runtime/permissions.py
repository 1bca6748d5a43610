"""Every permission of the runtime: its execution role's, and its custom-resource handlers'.

Each is one ``Permission`` (``infra/permission.py``): the construct and the provider grant these lists as they are,
cdk-nag's acknowledgment of each wildcard reads the entry's reason, the docs' IAM table is made from them, and the
tests derive what they expect from them. To let the agent call another AWS service, add an entry to ``AGENT``.

The execution role follows the AWS guide "IAM Permissions for AgentCore Runtime". The handlers reach existing
runtimes only through this stack's owner tag (``OWNER_STACK_TAG``), which the handler writes on every runtime it
creates and the runtime resource type supports as ``aws:ResourceTag`` (Service Authorization Reference): IAM, not only
the handler's code, keeps a runtime of the template's name that lacks it (someone else's) out of reach. Any name,
because renaming replaces the runtime and CloudFormation updates these policies before the runtime resource (it
depends on them): the cleanup that deletes the old runtime, and a rollback that updates it back, run under the new
name's template.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.model_id import ModelId
from infra.permission import Conditions, Permission, ecr_sign_in, on_any_resource
from infra.runtime.arns import Arns
from infra.runtime.handler import properties as p

SERVICE_PRINCIPAL = "bedrock-agentcore.amazonaws.com"
RUNTIME_IDENTITY_SERVICE = "runtime-identity.bedrock-agentcore.amazonaws.com"
RUNTIME_IDENTITY_ROLE = "AWSServiceRoleForBedrockAgentCoreRuntimeIdentity"
NETWORK_SERVICE = "network.bedrock-agentcore.amazonaws.com"
NETWORK_ROLE = "AWSServiceRoleForBedrockAgentCoreNetwork"
"""The service-linked role through which AgentCore manages a VPC runtime's network interfaces; the first runtime in VPC
mode makes the service create it with the caller's permissions (AWS guide "Configure Amazon Bedrock AgentCore Runtime
and tools for VPC", IAM permissions). The caller needs nothing else for VPC mode: the role does the EC2 work."""
INVOKE_MODEL_ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")


@dataclass(frozen=True)
class RuntimeResources:
    """What the runtime's permissions are granted on: the stack's ARNs, and what the stack made for one runtime.

    A permission that needs a value left empty here names no resource, and is not granted.
    """

    arns: Arns
    runtime_name: str = ""
    image_repository_arn: str = ""
    model: ModelId | None = None
    execution_role_arn: str = ""
    memory_arn: str = ""
    secret_ids: tuple[str, ...] = ()
    vpc: bool = False
    """Whether the runtime runs in VPC mode."""

    @property
    def stack_id(self) -> str:
        """The stack's id (its ARN), the value of the owner tag the handler writes on every runtime it creates."""
        return self.arns.stack.stack_id

    @property
    def runtime_ids(self) -> str:
        """The ids the service gives a runtime of this name: the name, ``-``, and 10 characters it picks."""
        return f"{self.runtime_name}-*"


def _profile(on: RuntimeResources) -> list[str]:
    return [on.arns.inference_profile(on.model.model_id)] if on.model and on.model.is_inference_profile else []


def _on_runtime_workload_identity(
    name: str, actions: tuple[str, ...], *, scope: str = "the runtime's workload identity", sid: bool = False
) -> Permission[RuntimeResources]:
    """A permission on the runtime's workload identity, which AgentCore names after the runtime at creation."""
    return Permission(
        name=name,
        actions=actions,
        resources=lambda on: [on.arns.workload_identity_directory(), on.arns.workload_identities(on.runtime_ids)],
        scope=scope,
        wildcard="the service names the runtime's workload identity '<runtime name>-<suffix>' at creation",
        sid=sid,
    )


def _describe_log_groups(name: str, *, why: str) -> Permission[RuntimeResources]:
    """Listing log groups, which IAM authorizes on every log group of the account and Region only."""
    return Permission(
        name=name,
        actions=("logs:DescribeLogGroups",),
        resources=lambda on: [on.arns.log_groups()],
        scope="`log-group:*` of this account and Region (it has no narrower resource)",
        wildcard=f"logs:DescribeLogGroups supports no narrower resource; {why}",
    )


def _owned(on: RuntimeResources) -> Conditions:
    """A runtime (or workload identity) that carries this stack's owner tag."""
    return {"StringEquals": {f"aws:ResourceTag/{p.OWNER_STACK_TAG}": on.stack_id}}


def _created_for(on: RuntimeResources) -> Conditions:
    """A request that tags a new runtime with this stack's owner tag."""
    return {"StringEquals": {f"aws:RequestTag/{p.OWNER_STACK_TAG}": on.stack_id}}


_RUNTIME_IDS = "runtime ids are '<runtime name>-' and 10 characters the service picks at creation"

# ---- the execution role: what AgentCore needs of every runtime ------------------------------------------------------

EXECUTION_ROLE: tuple[Permission[RuntimeResources], ...] = (
    Permission(
        name="PullAgentImage",
        actions=("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"),
        resources=lambda on: [on.image_repository_arn],
        scope="the stack's image repository only (local build: the CDK asset repository)",
    ),
    ecr_sign_in("EcrToken"),
    Permission(
        name="RuntimeLogGroups",
        actions=("logs:DescribeLogStreams", "logs:CreateLogGroup"),
        resources=lambda on: [on.arns.runtime_log_groups()],
        scope="`log-group:/aws/bedrock-agentcore/runtimes/*`",
        wildcard="AgentCore creates the runtime's log groups under /aws/bedrock-agentcore/runtimes/ with names that "
        "include the runtime id, which exists only after creation",
    ),
    Permission(
        name="RuntimeLogStreams",
        actions=("logs:CreateLogStream", "logs:PutLogEvents"),
        resources=lambda on: [f"{on.arns.runtime_log_groups()}:log-stream:*"],
        scope="the log streams of those log groups",
        wildcard="log streams inside the runtime's log groups, named by the service",
    ),
    _describe_log_groups("DescribeLogGroups", why="it reads names, writes nothing"),
    on_any_resource(
        "XRay",
        ("xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"),
        why="the X-Ray actions support no resource-level permission",
    ),
    on_any_resource(
        "Metrics",
        ("cloudwatch:PutMetricData",),
        conditions=lambda _: {"StringEquals": {"cloudwatch:namespace": "bedrock-agentcore"}},
        scope=", only with `cloudwatch:namespace` = `bedrock-agentcore`",
        why="cloudwatch:PutMetricData is limited by the cloudwatch:namespace condition to 'bedrock-agentcore' (AWS "
        "guide 'IAM Permissions for AgentCore Runtime')",
    ),
    _on_runtime_workload_identity(
        "WorkloadAccessToken",
        (
            "bedrock-agentcore:GetWorkloadAccessToken",
            "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
            "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
        ),
        scope="`workload-identity-directory/default` and `…/workload-identity/<runtimeName>-*`",
        sid=True,
    ),
    Permission(
        name="InvokeInferenceProfile",
        actions=INVOKE_MODEL_ACTIONS,
        resources=_profile,
        scope="the inference profile `inference-profile/<modelId>`, when `modelId` is a system inference profile",
    ),
    Permission(
        name="InvokeModelThroughProfile",
        actions=INVOKE_MODEL_ACTIONS,
        resources=lambda on: [on.arns.foundation_model(on.model.foundation_model, region="*")] if _profile(on) else [],
        conditions=lambda on: {"StringEquals": {"bedrock:InferenceProfileArn": _profile(on)[0]}},
        scope="the foundation model it routes to, `foundation-model/<model>`, in any Region, only with "
        "`bedrock:InferenceProfileArn` = that profile",
        wildcard="the inference profile routes each request to this one foundation model in a Region it picks; the "
        "bedrock:InferenceProfileArn condition allows it only through this profile",
    ),
    Permission(
        name="InvokeModel",
        actions=INVOKE_MODEL_ACTIONS,
        resources=lambda on: (
            [] if not on.model or on.model.is_inference_profile else [on.arns.foundation_model(on.model.model_id)]
        ),
        scope="`foundation-model/<modelId>` in the stack's Region, when `modelId` is a foundation model id",
    ),
)

# ---- the execution role: what the agent's own code calls ------------------------------------------------------------

AGENT: tuple[Permission[RuntimeResources], ...] = (
    Permission(
        name="ReadAgentSecrets",
        actions=("secretsmanager:GetSecretValue",),
        resources=lambda on: sorted({on.arns.secret(secret_id) for secret_id in on.secret_ids}),
        scope="each secret `agentSecrets` names (a name: `secret:<name>-??????`), only with `agentSecrets`; nothing "
        "else of Secrets Manager",
    ),
    Permission(
        name="ConversationEvents",
        actions=("bedrock-agentcore:CreateEvent", "bedrock-agentcore:ListEvents"),
        resources=lambda on: [on.memory_arn] if on.memory_arn else [],
        scope="the conversation memory (`memory/<id>`) only; none with `memory=false`",
        sid=False,
    ),
)
"""What the agent's code calls (``agent/conversation/memory_store.py`` writes and reads a conversation's events)."""

# ---- the handlers: what the stack's runtimes of any name need -------------------------------------------------------

FIND_RUNTIMES = on_any_resource(
    "FindRuntimes",
    ("bedrock-agentcore:ListAgentRuntimes", "bedrock-agentcore:ListAgentRuntimeEndpoints"),
    scope=" (no resource-level permission): it finds a runtime whose create answer was lost, and tells a deleted "
    "runtime or endpoint from one the handler may not read",
    why="bedrock-agentcore:ListAgentRuntimes and ListAgentRuntimeEndpoints support no resource-level permission "
    "(Service Authorization Reference); they read names and ids",
)

DELETE_WORKLOAD_IDENTITIES_OF_THIS_STACK: Permission[RuntimeResources] = Permission(
    name="DeleteWorkloadIdentitiesOfThisStack",
    actions=("bedrock-agentcore:DeleteWorkloadIdentity",),
    resources=lambda on: [on.arns.workload_identities()],
    conditions=_owned,
    scope="any workload identity with this stack's owner tag: the service deletes a runtime's workload identity "
    "with the caller's permissions, that of a runtime of an earlier name included",
    wildcard="any workload identity, only with aws:ResourceTag/agentcore-runtime:cfn-stack-id = this stack's id: the "
    "service deletes the workload identity of a runtime of an earlier name with the handler's permissions",
)

_ENDPOINTS_UNDER_RUNTIMES = (
    "an endpoint's ARN is its runtime's, then '/runtime-endpoint/<name>': runtime/* holds both, and each carries this "
    "stack's owner tag (the handler writes it on every endpoint it creates)"
)


def _on_endpoints_of_this_stack(name: str, verbs: tuple[str, ...], *, scope: str) -> Permission[RuntimeResources]:
    """``<verb>AgentRuntimeEndpoint`` on this stack's runtimes and their endpoints, which carry its owner tag."""
    return Permission(
        name=name,
        actions=tuple(f"bedrock-agentcore:{verb}AgentRuntimeEndpoint" for verb in verbs),
        resources=lambda on: [on.arns.runtimes()],
        conditions=_owned,
        scope=f"`runtime/*` and its endpoints (`…/runtime-endpoint/*`), each with this stack's owner tag{scope}",
        wildcard=f"{_ANY_RUNTIME_OF_THIS_STACK}; {_ENDPOINTS_UNDER_RUNTIMES}",
    )


_ANY_RUNTIME_OF_THIS_STACK = (
    "any runtime id, only with aws:ResourceTag/agentcore-runtime:cfn-stack-id = this stack's id, which the handler "
    "writes on every runtime it creates: a runtime without it is out of reach, and a rename's cleanup and rollback "
    "reach the runtime of the earlier name after CloudFormation has updated this policy to the new one"
)

ON_EVENT: tuple[Permission[RuntimeResources], ...] = (
    on_any_resource(
        "CreateRuntimesOfThisStack",
        ("bedrock-agentcore:CreateAgentRuntime",),
        conditions=_created_for,
        scope=" (no resource-level permission), only with this stack's owner tag in the request's tags",
        why="bedrock-agentcore:CreateAgentRuntime supports no resource-level permission (Service Authorization "
        "Reference); only with this stack's id in the request's tags, and every other runtime action is limited to "
        "runtimes tagged with this stack's id",
    ),
    FIND_RUNTIMES,
    Permission(
        name="ManageRuntimesOfThisStack",
        actions=(
            "bedrock-agentcore:GetAgentRuntime",
            "bedrock-agentcore:UpdateAgentRuntime",
            "bedrock-agentcore:DeleteAgentRuntime",
            "bedrock-agentcore:ListTagsForResource",
            "bedrock-agentcore:TagResource",
            "bedrock-agentcore:UntagResource",
        ),
        resources=lambda on: [on.arns.runtimes()],
        conditions=_owned,
        scope="`runtime/*` with this stack's owner tag",
        wildcard=_ANY_RUNTIME_OF_THIS_STACK,
    ),
    _on_endpoints_of_this_stack(
        "ManageEndpointsOfThisStack",
        ("Create", "Get", "Update", "Delete"),
        scope="; the tag actions above reach the endpoints the same way",
    ),
    DELETE_WORKLOAD_IDENTITIES_OF_THIS_STACK,
    Permission(
        name="CreateRuntimeIdentityServiceLinkedRole",
        actions=("iam:CreateServiceLinkedRole",),
        resources=lambda on: [on.arns.service_linked_role(RUNTIME_IDENTITY_SERVICE, RUNTIME_IDENTITY_ROLE)],
        conditions=lambda _: {"StringEquals": {"iam:AWSServiceName": RUNTIME_IDENTITY_SERVICE}},
        scope="AgentCore's runtime-identity service-linked role only, with `iam:AWSServiceName`",
    ),
)
"""``on_event``: create runtimes of this stack, and change or delete those that carry its owner tag."""

IS_COMPLETE: tuple[Permission[RuntimeResources], ...] = (
    FIND_RUNTIMES,
    # AgentCore leaves a runtime's log groups behind: is_complete finds them to delete them.
    _describe_log_groups("FindRuntimeLogGroups", why="it reads names (under the runtime's prefix), writes nothing"),
    Permission(
        name="DeleteRuntimesOfThisStack",
        actions=("bedrock-agentcore:GetAgentRuntime", "bedrock-agentcore:DeleteAgentRuntime"),
        resources=lambda on: [on.arns.runtimes()],
        conditions=_owned,
        scope="`runtime/*` with this stack's owner tag (it asks again for a refused delete)",
        wildcard=_ANY_RUNTIME_OF_THIS_STACK,
    ),
    _on_endpoints_of_this_stack(
        "DeleteEndpointsOfThisStack", ("Get", "Delete"), scope=" (it asks again for a refused delete)"
    ),
    DELETE_WORKLOAD_IDENTITIES_OF_THIS_STACK,
)
"""``is_complete``: wait for a runtime, delete it again when refused, and then its log groups."""

# ---- the handlers: what each runtime of the template's name adds ----------------------------------------------------

ON_EVENT_PER_RUNTIME: tuple[Permission[RuntimeResources], ...] = (
    Permission(
        # Creating a runtime with tags is also authorized as TagResource on it, before it has any tag of its own: the
        # request's tags are the only condition there is (IAM offers none that tells this from a later TagResource).
        name="TagNewRuntimes",
        actions=("bedrock-agentcore:TagResource",),
        resources=lambda on: [on.arns.runtimes(on.runtime_ids)],
        conditions=_created_for,
        scope="`runtime/<runtimeName>-*` (its endpoints included), only with this stack's owner tag in the request, "
        "as creating one needs",
        wildcard=f"{_RUNTIME_IDS}; TagResource only with aws:RequestTag/agentcore-runtime:cfn-stack-id = this stack's "
        "id, as creating the runtime needs",
        sid=False,
    ),
    # CloudFormation's own AWS::BedrockAgentCore::Runtime handlers need these too (its registry schema): the service
    # creates and deletes the runtime's workload identity with the caller's permissions.
    _on_runtime_workload_identity(
        "ManageRuntimeWorkloadIdentity",
        ("bedrock-agentcore:CreateWorkloadIdentity", "bedrock-agentcore:DeleteWorkloadIdentity"),
    ),
    Permission(
        name="PassExecutionRole",
        actions=("iam:PassRole",),
        resources=lambda on: [on.execution_role_arn],
        conditions=lambda _: {"StringEquals": {"iam:PassedToService": SERVICE_PRINCIPAL}},
        scope=f"the execution role only, with `iam:PassedToService` = `{SERVICE_PRINCIPAL}`",
        sid=False,
    ),
    Permission(
        name="CreateNetworkServiceLinkedRole",
        actions=("iam:CreateServiceLinkedRole",),
        resources=lambda on: [on.arns.service_linked_role(NETWORK_SERVICE, NETWORK_ROLE)] if on.vpc else [],
        conditions=lambda _: {"StringEquals": {"iam:AWSServiceName": NETWORK_SERVICE}},
        scope="AgentCore's network service-linked role only, with `iam:AWSServiceName`; only in VPC mode",
    ),
)

IS_COMPLETE_PER_RUNTIME: tuple[Permission[RuntimeResources], ...] = (
    _on_runtime_workload_identity("DeleteRuntimeWorkloadIdentity", ("bedrock-agentcore:DeleteWorkloadIdentity",)),
    Permission(
        name="DeleteRuntimeLogGroups",
        actions=("logs:DeleteLogGroup",),
        resources=lambda on: [on.arns.runtime_log_groups(on.runtime_ids)],
        scope="`log-group:/aws/bedrock-agentcore/runtimes/<runtimeName>-*`",
        wildcard=f"AgentCore names a runtime's log groups '<runtimeId>-<endpoint>', and {_RUNTIME_IDS}",
        sid=False,
    ),
)
"""``is_complete`` deletes the log groups AgentCore created for the runtime, and its workload identity with it."""

# ---- the provider's waiter ------------------------------------------------------------------------------------------

WAITER_LOG_DELIVERY = on_any_resource(
    "WaiterLogDelivery",
    tuple(
        f"logs:{action}"
        for action in (
            "CreateLogDelivery",
            "GetLogDelivery",
            "UpdateLogDelivery",
            "DeleteLogDelivery",
            "ListLogDeliveries",
            "PutResourcePolicy",
            "DescribeResourcePolicies",
            "DescribeLogGroups",
        )
    ),
    scope=" (authorized on `*` only): the grants the Step Functions guide lists for log delivery, without "
    "`logs:CreateLogStream` and `logs:PutLogEvents`, which it does not use",
    why="CloudWatch Logs delivery for Step Functions (logs:CreateLogDelivery and the rest of the Step Functions "
    "guide's list, without CreateLogStream/PutLogEvents) is authorized on '*' only",
    sid=False,
)
