"""``AgentCoreRuntime``: an Amazon Bedrock AgentCore runtime serving a container image, with its execution role.

The runtime is a ``Custom::AgentCoreRuntime`` resource whose properties are the ``CreateAgentRuntime`` request; one
provider (two Lambda functions) per stack serves every runtime in it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import custom_resources as cr
from constructs import Construct

from contract.agentcore import runtime_name_problem
from contract.deployment import MODEL_ID_ENV, MODEL_REGION_ENV
from infra.bundling import python_code
from infra.image import ContainerImage
from infra.log_groups import function_log_group
from infra.nag import acknowledge_wildcards as _acknowledge_wildcards
from infra.runtime_provider import properties as p

SERVICE_PRINCIPAL = "bedrock-agentcore.amazonaws.com"
RUNTIME_IDENTITY_SERVICE = "runtime-identity.bedrock-agentcore.amazonaws.com"
RUNTIME_IDENTITY_ROLE = "AWSServiceRoleForBedrockAgentCoreRuntimeIdentity"
INVOKE_MODEL_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
INFERENCE_PROFILE_PREFIXES = frozenset({"us", "eu", "apac", "us-gov", "jp", "au", "ca", "global"})
"""First segment of a system-defined (cross-region) inference profile id, e.g. ``us.anthropic...``."""

LAMBDA_RUNTIME = lambda_.Runtime.PYTHON_3_14
"""The latest Python Lambda runtime (cdk-nag AwsSolutions-L1); the handler needs Python >= 3.12."""
LAMBDA_ARCHITECTURE = lambda_.Architecture.ARM_64
HANDLER_SOURCE = Path(__file__).parent / "runtime_provider"
LIFECYCLE_LIMITS = (cdk.Duration.seconds(60), cdk.Duration.seconds(28_800))

ON_EVENT_TIMEOUT = cdk.Duration.minutes(10)
"""Room for role-propagation retries and botocore's own retries (8 tries, 5 s connect and 30 s read timeouts)."""
IS_COMPLETE_TIMEOUT = cdk.Duration.minutes(1)
PROVIDER_QUERY_INTERVAL = cdk.Duration.seconds(10)
PROVIDER_TOTAL_TIMEOUT = cdk.Duration.minutes(30)
"""How long is_complete is asked (a throttled or busy delete is asked again until then); then the framework fails
the request with "Operation timed out"."""
SERVICE_TIMEOUT = cdk.Duration.minutes(
    ON_EVENT_TIMEOUT.to_minutes() + PROVIDER_TOTAL_TIMEOUT.to_minutes() + IS_COMPLETE_TIMEOUT.to_minutes() + 4
)
"""CloudFormation's wait for an answer (default one hour): long enough for the framework's own answer, timeout
included, so the stack events show the handler's reason rather than CloudFormation's."""


class AgentCoreRuntime(Construct):
    """An AgentCore runtime running ``image``, allowed to invoke ``model_id`` and nothing else of Bedrock.

    Each change of the image (a new tag) or of the configuration makes a new runtime version;
    the ``DEFAULT`` endpoint follows the latest version. Renaming the runtime replaces it.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        runtime_name: str,
        image: ContainerImage,
        model_id: str,
        environment: Mapping[str, str] | None = None,
        description: str | None = None,
        idle_session_timeout: cdk.Duration | None = None,
        max_lifetime: cdk.Duration | None = None,
        tags: Mapping[str, str] | None = None,
        request_headers: Sequence[str] = (),
    ) -> None:
        """Create the execution role and the runtime.

        :param runtime_name: AgentCore runtime name; letters, digits and underscores, starting with a letter.
        :param image: the agent's linux/arm64 image; the role may pull from its repository only.
        :param model_id: Bedrock model id or system inference profile id; passed to the container as
            ``MODEL_ID``, with the stack's Region as ``BEDROCK_REGION``.
        :param environment: more environment variables for the container. Default: none.
        :param description: runtime description. Default: none.
        :param idle_session_timeout: idle time after which a session ends. Default: the service's (900 s).
        :param max_lifetime: longest life of a session. Default: the service's (28,800 s).
        :param tags: tags of the runtime; changing them later retags it in place (TagResource/UntagResource).
            Default: none besides the handler's own ``agentcore-runtime:cfn-*`` tags, which mark the runtime as this
            stack's.
        :param request_headers: request headers AgentCore forwards to the container (its header allowlist; at most
            20). Default: none beyond the session id.
        """
        super().__init__(scope, construct_id)
        problem = runtime_name_problem(runtime_name)
        if problem:
            raise ValueError(f"{problem}; pass another runtime_name")
        reserved = {MODEL_ID_ENV, MODEL_REGION_ENV}.intersection(environment or {})
        if reserved:
            raise ValueError(
                f"environment must not set {sorted(reserved)}: pass model_id, which also scopes the role to the "
                "model, and deploy the stack in the Region the model should be called in"
            )
        reserved_tags = p.HANDLER_TAGS.intersection(tags or {})
        if reserved_tags:
            raise ValueError(f"tags must not set {sorted(reserved_tags)}: the handler writes them; use other keys")
        lifecycle = _lifecycle(idle_session_timeout, max_lifetime)
        stack = cdk.Stack.of(self)
        self.runtime_name = runtime_name

        self.role = iam.Role(
            self,
            "ExecutionRole",
            assumed_by=iam.ServicePrincipal(
                SERVICE_PRINCIPAL,
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    # The runtime's ARN does not exist before the runtime: AWS documents this account-wide pattern.
                    "ArnLike": {"aws:SourceArn": stack.format_arn(service="bedrock-agentcore", resource="*")},
                },
            ),
            description=f"Execution role of AgentCore runtime {runtime_name}",
        )
        for statement in _execution_statements(stack, image, runtime_name, model_id):
            self.role.add_to_principal_policy(statement)
        _acknowledge_wildcards(self.role, _execution_role_wildcards(stack, runtime_name, model_id))

        provider = _RuntimeProvider.of(self)
        provider.allow(self.role, runtime_name)

        properties: dict[str, object] = {
            p.AGENT_RUNTIME_NAME: runtime_name,
            p.AGENT_RUNTIME_ARTIFACT: {"containerConfiguration": {"containerUri": image.image_uri}},
            p.ROLE_ARN: self.role.role_arn,
            p.NETWORK_CONFIGURATION: {"networkMode": "PUBLIC"},
            p.PROTOCOL_CONFIGURATION: {"serverProtocol": "HTTP"},
            p.ENVIRONMENT_VARIABLES: {
                **(environment or {}),
                MODEL_ID_ENV: model_id,
                MODEL_REGION_ENV: cdk.Stack.of(self).region,
            },
        }
        if lifecycle:
            properties[p.LIFECYCLE_CONFIGURATION] = lifecycle
        if description:
            properties[p.DESCRIPTION] = description
        if tags:
            properties[p.TAGS] = dict(tags)
        if request_headers:
            properties[p.REQUEST_HEADER_CONFIGURATION] = {"requestHeaderAllowlist": list(request_headers)}

        resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=provider.service_token,
            resource_type=p.RESOURCE_TYPE,
            properties=properties,
            service_timeout=SERVICE_TIMEOUT,
        )
        # The service checks the role when the runtime is created: its policy must exist by then. The handlers'
        # log groups and logging policies are not referenced by the functions: they must exist before the first call.
        resource.node.add_dependency(self.role, provider)
        self.runtime_arn: str = resource.get_att_string(p.ATTR_ARN)
        """ARN of the runtime, the ``agentRuntimeArn`` that ``InvokeAgentRuntime`` takes."""
        self.runtime_id: str = resource.ref
        """Runtime id (``agentRuntimeId``), the resource's physical id."""
        self.runtime_version: str = resource.get_att_string(p.ATTR_VERSION)
        """Version the latest deployment created."""

    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``grantee`` to invoke this runtime through any of its endpoints (``DEFAULT`` included)."""
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["bedrock-agentcore:InvokeAgentRuntime"],
            resource_arns=[self.runtime_arn, f"{self.runtime_arn}/runtime-endpoint/*"],
        )


class _RuntimeProvider(Construct):
    """The stack's one provider for ``Custom::AgentCoreRuntime``; each runtime adds what it needs to its policy."""

    ID = "AgentCoreRuntimeProvider"

    @classmethod
    def of(cls, scope: Construct) -> _RuntimeProvider:
        stack = cdk.Stack.of(scope)
        existing = stack.node.try_find_child(cls.ID)
        return existing if isinstance(existing, cls) else cls(stack, cls.ID)

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self._stack = stack
        code = python_code(HANDLER_SOURCE, runtime=LAMBDA_RUNTIME, architecture=LAMBDA_ARCHITECTURE)

        self.on_event = self._function("OnEvent", "handler.on_event", code, ON_EVENT_TIMEOUT)
        self.is_complete = self._function("IsComplete", "handler.is_complete", code, IS_COMPLETE_TIMEOUT)
        # Create and List are authorized on "*" only: the Service Authorization Reference lists no resource type for
        # them. Create takes the request's tags as a condition (aws:RequestTag, the Reference's condition keys for
        # CreateAgentRuntime): only runtimes created with this stack's owner tag. List finds a runtime whose create
        # answer was lost; its tags decide whether it is this stack's.
        self.on_event.add_to_role_policy(
            iam.PolicyStatement(
                sid="CreateRuntimesOfThisStack",
                actions=["bedrock-agentcore:CreateAgentRuntime"],
                resources=["*"],
                conditions=_created_for(stack),
            )
        )
        self.on_event.add_to_role_policy(
            iam.PolicyStatement(sid="FindRuntimes", actions=["bedrock-agentcore:ListAgentRuntimes"], resources=["*"])
        )
        # is_complete tells a runtime that is gone from one it may not read: runtimes are reached through their owner
        # tag only, and one that is gone has no tag, so IAM denies rather than the service answering "not found"; the
        # list says which.
        self.is_complete.add_to_role_policy(
            iam.PolicyStatement(sid="FindRuntimes", actions=["bedrock-agentcore:ListAgentRuntimes"], resources=["*"])
        )
        _acknowledge_wildcards(
            self.is_complete.role,
            {
                "*": "bedrock-agentcore:ListAgentRuntimes supports no resource-level permission (Service "
                "Authorization Reference); it reads runtime names and ids, and tells a deleted runtime from one the "
                "handler may not read",
            },
        )
        # AgentCore leaves a runtime's log groups behind; is_complete deletes them once the runtime is gone.
        self.is_complete.add_to_role_policy(
            iam.PolicyStatement(
                sid="FindRuntimeLogGroups",
                actions=["logs:DescribeLogGroups"],
                resources=[_all_log_groups_arn(stack)],
            )
        )
        self._allow_runtimes_of_this_stack()
        self.on_event.add_to_role_policy(
            iam.PolicyStatement(
                sid="CreateRuntimeIdentityServiceLinkedRole",
                actions=["iam:CreateServiceLinkedRole"],
                resources=[
                    stack.format_arn(
                        service="iam",
                        region="",
                        resource="role",
                        resource_name=f"aws-service-role/{RUNTIME_IDENTITY_SERVICE}/{RUNTIME_IDENTITY_ROLE}",
                    )
                ],
                conditions={"StringEquals": {"iam:AWSServiceName": RUNTIME_IDENTITY_SERVICE}},
            )
        )
        framework_logs = logs.LogGroup(
            self, "FrameworkLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        # Own roles for the framework's functions, in place of AWSLambdaBasicExecutionRole (any log group).
        framework_roles = [
            iam.Role(self, name, assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
            for name, description in (
                ("FrameworkOnEventRole", "AgentCore runtime provider framework: onEvent"),
                ("FrameworkCompleteRole", "AgentCore runtime provider framework: isComplete and onTimeout"),
            )
        ]
        for role in framework_roles:
            framework_logs.grant_write(role)
        self._provider = cr.Provider(
            self,
            "Provider",
            on_event_handler=self.on_event,
            is_complete_handler=self.is_complete,
            query_interval=PROVIDER_QUERY_INTERVAL,
            total_timeout=PROVIDER_TOTAL_TIMEOUT,
            log_group=framework_logs,
            # The framework logs each request, each handler's answer and what it sends CloudFormation at INFO;
            # its default, FATAL, keeps none of it.
            framework_lambda_logging_level=lambda_.ApplicationLogLevel.INFO,
            framework_on_event_role=framework_roles[0],
            framework_complete_and_timeout_role=framework_roles[1],
            # Logging is configured below: the framework's own grants logs:CreateLogStream and logs:PutLogEvents on
            # "*", which Step Functions log delivery does not use.
            disable_waiter_state_machine_logging=True,
        )
        self._log_waiter(
            logs.LogGroup(
                self, "WaiterLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=cdk.RemovalPolicy.DESTROY
            )
        )
        self.service_token = self._provider.service_token
        self._acknowledge_framework(framework_roles)

    def _allow_runtimes_of_this_stack(self) -> None:
        """Let the handlers manage the runtimes this stack created, whatever their name, and no other runtime.

        The handler tags every runtime it creates with this stack's id (``OWNER_STACK_TAG``), and the runtime resource
        type supports ``aws:ResourceTag`` (Service Authorization Reference): these statements are the handlers' only
        ones on existing runtimes. A runtime of the template's name that lacks the tag (someone else's) is out of
        reach, so IAM, not only the handler's code, keeps it untouched. Any name, because renaming replaces the
        runtime and CloudFormation updates these policies before the runtime resource (it depends on them): the
        cleanup that deletes the old runtime, and a rollback that updates it back, run under the new name's template.
        """
        owned = {"StringEquals": {f"aws:ResourceTag/{p.OWNER_STACK_TAG}": self._stack.stack_id}}
        runtimes, identities = _runtime_arn(self._stack, "*"), _workload_identity_arn(self._stack, "*")
        # The service deletes a runtime's workload identity with the caller's permissions; the directory itself is
        # granted by each runtime's own statement (``allow``).
        delete_identity = iam.PolicyStatement(
            sid="DeleteWorkloadIdentitiesOfThisStack",
            actions=["bedrock-agentcore:DeleteWorkloadIdentity"],
            resources=[identities],
            conditions=owned,
        )
        self.on_event.add_to_role_policy(
            iam.PolicyStatement(
                sid="ManageRuntimesOfThisStack",
                actions=[
                    "bedrock-agentcore:GetAgentRuntime",
                    "bedrock-agentcore:UpdateAgentRuntime",
                    "bedrock-agentcore:DeleteAgentRuntime",
                    "bedrock-agentcore:ListTagsForResource",
                    "bedrock-agentcore:TagResource",
                    "bedrock-agentcore:UntagResource",
                ],
                resources=[runtimes],
                conditions=owned,
            )
        )
        self.on_event.add_to_role_policy(delete_identity)
        self.is_complete.add_to_role_policy(
            iam.PolicyStatement(
                sid="DeleteRuntimesOfThisStack",
                actions=["bedrock-agentcore:GetAgentRuntime", "bedrock-agentcore:DeleteAgentRuntime"],
                resources=[runtimes],
                conditions=owned,
            )
        )
        self.is_complete.add_to_role_policy(delete_identity.copy())
        reasons = {
            runtimes: "any runtime id, only with aws:ResourceTag/agentcore-runtime:cfn-stack-id = this stack's id, "
            "which the handler writes on every runtime it creates: a runtime without it is out of reach, and a "
            "rename's cleanup and rollback reach the runtime of the earlier name after CloudFormation has updated "
            "this policy to the new one",
            identities: "any workload identity, only with aws:ResourceTag/agentcore-runtime:cfn-stack-id = this "
            "stack's id: the service deletes the workload identity of a runtime of an earlier name with the "
            "handler's permissions",
        }
        _acknowledge_wildcards(self.on_event.role, reasons)
        _acknowledge_wildcards(self.is_complete.role, reasons)

    def allow(self, execution_role: iam.IRole, runtime_name: str) -> None:
        """Let the handlers create runtime ``runtime_name`` (its ids are ``<name>-<10 characters>``) and clean up.

        Once it exists, the runtime is reached through its owner tag (``_allow_runtimes_of_this_stack``).
        """
        runtimes = _runtime_arn(self._stack, f"{runtime_name}-*")
        # Creating a runtime with tags is also authorized as TagResource on it, before it has any tag of its own: the
        # request's tags are the only condition there is (IAM offers none that tells this from a later TagResource).
        self.on_event.add_to_role_policy(
            iam.PolicyStatement(
                actions=["bedrock-agentcore:TagResource"], resources=[runtimes], conditions=_created_for(self._stack)
            )
        )
        # CloudFormation's own AWS::BedrockAgentCore::Runtime handlers need these too (its registry schema):
        # the service creates and deletes the runtime's workload identity with the caller's permissions.
        self.on_event.add_to_role_policy(
            iam.PolicyStatement(
                actions=["bedrock-agentcore:CreateWorkloadIdentity", "bedrock-agentcore:DeleteWorkloadIdentity"],
                resources=_workload_identity_arns(self._stack, runtime_name),
            )
        )
        self.on_event.add_to_role_policy(
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[execution_role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": SERVICE_PRINCIPAL}},
            )
        )
        # is_complete deletes the log groups AgentCore created for the runtime: /aws/bedrock-agentcore/runtimes/
        # <runtimeId>-*, and the runtime's workload identity with it.
        self.is_complete.add_to_role_policy(
            iam.PolicyStatement(
                actions=["bedrock-agentcore:DeleteWorkloadIdentity"],
                resources=_workload_identity_arns(self._stack, runtime_name),
            )
        )
        runtime_logs = _runtime_logs_arn(self._stack, f"{runtime_name}-*")
        self.is_complete.add_to_role_policy(
            iam.PolicyStatement(actions=["logs:DeleteLogGroup"], resources=[runtime_logs])
        )
        runtime_ids = (
            f"runtime ids are '{runtime_name}-' and 10 characters the service picks at creation; TagResource only "
            "with aws:RequestTag/agentcore-runtime:cfn-stack-id = this stack's id, as creating the runtime needs"
        )
        workload_identity = f"the service names the runtime's workload identity '{runtime_name}-<suffix>' at creation"
        _acknowledge_wildcards(self.on_event.role, {runtimes: runtime_ids})
        _acknowledge_wildcards(
            self.is_complete.role,
            {
                _workload_identity_arns(self._stack, runtime_name)[1]: workload_identity,
                runtime_logs: "AgentCore names a runtime's log groups '<runtimeId>-<endpoint>', and runtime ids are "
                f"'{runtime_name}-' and 10 characters the service picks at creation",
                _all_log_groups_arn(self._stack): "logs:DescribeLogGroups supports no narrower resource; it reads "
                "names (under the runtime's prefix), writes nothing",
            },
        )
        _acknowledge_wildcards(
            self.on_event.role,
            {
                _workload_identity_arns(self._stack, runtime_name)[1]: workload_identity,
                "*": "bedrock-agentcore:CreateAgentRuntime and ListAgentRuntimes support no resource-level permission "
                "(Service Authorization Reference); CreateAgentRuntime only with this stack's id in the request's "
                "tags, and every other runtime action is limited to runtimes tagged with this stack's id",
            },
        )

    def _acknowledge_framework(self, framework_roles: list[iam.Role]) -> None:
        """Findings on the Provider framework, which aws-cdk-lib builds and this code cannot change."""
        invoked = {
            "OnEvent": self.on_event.function_arn,
            "IsComplete": self.is_complete.function_arn,
        }
        # The framework invokes the handlers by ARN with any qualifier (version or alias): "<function arn>:*".
        for role in framework_roles:
            _acknowledge_wildcards(
                role,
                {
                    f"{arn}:*": f"the provider framework invokes the {name} handler, any version or alias of it only"
                    for name, arn in invoked.items()
                },
            )
        waiter = self._provider.node.find_child("waiter-state-machine")
        framework_functions = {
            "IsComplete": self._provider.node.find_child("framework-isComplete"),
            "OnTimeout": self._provider.node.find_child("framework-onTimeout"),
        }
        _acknowledge_wildcards(
            waiter,
            {
                f"{function.function_arn}:*": f"the waiter state machine invokes the framework's {name} function only"
                for name, function in framework_functions.items()
            },
        )
        _acknowledge_wildcards(
            waiter,
            {
                "*": "CloudWatch Logs delivery for Step Functions (logs:CreateLogDelivery and the rest of the Step "
                "Functions guide's list, without CreateLogStream/PutLogEvents) is authorized on '*' only",
            },
        )
        cdk.Validations.of(waiter).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-SF2",
                reason="The Provider's waiter state machine offers no X-Ray option; it only polls is_complete, "
                "whose every poll is logged (ALL events, WaiterLogs) with its result.",
            )
        )

    def _log_waiter(self, log_group: logs.LogGroup) -> None:
        """Log every state of the waiter, with the grants the Step Functions guide lists for log delivery."""
        waiter = self._provider.node.find_child("waiter-state-machine")
        waiter.node.find_child("Role").add_to_principal_policy(
            iam.PolicyStatement(
                actions=[
                    "logs:CreateLogDelivery",
                    "logs:GetLogDelivery",
                    "logs:UpdateLogDelivery",
                    "logs:DeleteLogDelivery",
                    "logs:ListLogDeliveries",
                    "logs:PutResourcePolicy",
                    "logs:DescribeResourcePolicies",
                    "logs:DescribeLogGroups",
                ],
                resources=["*"],
            )
        )
        state_machine = waiter.node.default_child
        state_machine.logging_configuration = sfn.CfnStateMachine.LoggingConfigurationProperty(
            destinations=[
                sfn.CfnStateMachine.LogDestinationProperty(
                    cloud_watch_logs_log_group=sfn.CfnStateMachine.CloudWatchLogsLogGroupProperty(
                        log_group_arn=log_group.log_group_arn
                    )
                )
            ],
            include_execution_data=False,
            level=sfn.LogLevel.ALL.value,
        )

    def _function(self, name: str, handler: str, code: lambda_.Code, timeout: cdk.Duration) -> lambda_.Function:
        role = iam.Role(
            self,
            f"{name}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"AgentCore runtime custom resource: {handler}",
        )
        # The function logs to Lambda's default /aws/lambda/<name>: the group the provider framework names in the
        # failure reason that CloudFormation shows ("Logs: /aws/lambda/<name>").
        function = lambda_.Function(
            self,
            name,
            runtime=LAMBDA_RUNTIME,
            architecture=LAMBDA_ARCHITECTURE,
            handler=handler,
            code=code,
            timeout=timeout,
            memory_size=256,
            role=role,
            description=f"AgentCore runtime custom resource: {handler}",
        )
        log_group = function_log_group(self, name, function)
        # In place of AWSLambdaBasicExecutionRole: write to this function's own log group only. A policy of its own,
        # not the role's default one, which the function depends on: the log group depends on the function's name.
        iam.Policy(
            self,
            f"{name}Logging",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[log_group.log_group_arn],  # "arn:...:log-group:<name>:*"
                )
            ],
        )
        return function


def _execution_statements(
    stack: cdk.Stack, image: ContainerImage, runtime_name: str, model_id: str
) -> list[iam.PolicyStatement]:
    """The execution role's permissions, after the AWS guide "IAM Permissions for AgentCore Runtime"."""
    runtime_logs = _runtime_logs_arn(stack)
    return [
        iam.PolicyStatement(
            sid="PullAgentImage",
            actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            resources=[image.repository.repository_arn],
        ),
        # GetAuthorizationToken supports no resource-level permission; "*" is the only valid resource.
        iam.PolicyStatement(sid="EcrToken", actions=["ecr:GetAuthorizationToken"], resources=["*"]),
        iam.PolicyStatement(
            sid="RuntimeLogGroups",
            actions=["logs:DescribeLogStreams", "logs:CreateLogGroup"],
            resources=[runtime_logs],
        ),
        iam.PolicyStatement(
            sid="RuntimeLogStreams",
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[f"{runtime_logs}:log-stream:*"],
        ),
        iam.PolicyStatement(
            sid="DescribeLogGroups",
            actions=["logs:DescribeLogGroups"],
            resources=[_all_log_groups_arn(stack)],
        ),
        iam.PolicyStatement(
            sid="XRay",
            actions=[
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
            ],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="Metrics",
            actions=["cloudwatch:PutMetricData"],
            resources=["*"],
            conditions={"StringEquals": {"cloudwatch:namespace": "bedrock-agentcore"}},
        ),
        iam.PolicyStatement(
            sid="WorkloadAccessToken",
            actions=[
                "bedrock-agentcore:GetWorkloadAccessToken",
                "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
                "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
            ],
            resources=_workload_identity_arns(stack, runtime_name),
        ),
        *model_statements(stack, model_id),
    ]


def model_statements(stack: cdk.Stack, model_id: str) -> list[iam.PolicyStatement]:
    """``InvokeModel`` permissions for exactly ``model_id``.

    A system inference profile (``us.anthropic...``) routes each request to the same foundation model in one of
    several Regions: allow the profile, and the foundation model in any Region but only through this profile.
    A plain foundation-model id is allowed in this stack's Region only.
    """
    prefix, _, base_model = model_id.partition(".")
    if prefix not in INFERENCE_PROFILE_PREFIXES or not base_model:
        model = stack.format_arn(service="bedrock", account="", resource="foundation-model", resource_name=model_id)
        return [iam.PolicyStatement(sid="InvokeModel", actions=INVOKE_MODEL_ACTIONS, resources=[model])]

    profile = stack.format_arn(service="bedrock", resource="inference-profile", resource_name=model_id)
    routed = stack.format_arn(
        service="bedrock", region="*", account="", resource="foundation-model", resource_name=base_model
    )
    return [
        iam.PolicyStatement(sid="InvokeInferenceProfile", actions=INVOKE_MODEL_ACTIONS, resources=[profile]),
        iam.PolicyStatement(
            sid="InvokeModelThroughProfile",
            actions=INVOKE_MODEL_ACTIONS,
            resources=[routed],
            conditions={"StringEquals": {"bedrock:InferenceProfileArn": profile}},
        ),
    ]


def _execution_role_wildcards(stack: cdk.Stack, runtime_name: str, model_id: str) -> dict[str, str]:
    """Each wildcard resource of the execution role, and why it cannot be narrower."""
    runtime_logs = _runtime_logs_arn(stack)
    wildcards = {
        "*": "ecr:GetAuthorizationToken and the X-Ray actions support no resource-level permission; "
        "cloudwatch:PutMetricData is limited by the cloudwatch:namespace condition to 'bedrock-agentcore' "
        "(AWS guide 'IAM Permissions for AgentCore Runtime')",
        runtime_logs: "AgentCore creates the runtime's log groups under /aws/bedrock-agentcore/runtimes/ with names "
        "that include the runtime id, which exists only after creation",
        f"{runtime_logs}:log-stream:*": "log streams inside the runtime's log groups, named by the service",
        _all_log_groups_arn(
            stack
        ): "logs:DescribeLogGroups supports no narrower resource; it reads names, writes nothing",
        _workload_identity_arns(stack, runtime_name)[1]: "the service names the runtime's workload identity "
        f"'{runtime_name}-<suffix>' at creation",
    }
    for statement in model_statements(stack, model_id):
        for resource in statement.resources:
            if "*" in resource:
                wildcards[resource] = (
                    "the inference profile routes each request to this one foundation model in a Region it picks; "
                    "the bedrock:InferenceProfileArn condition allows it only through this profile"
                )
    return wildcards


def _created_for(stack: cdk.Stack) -> dict[str, dict[str, str]]:
    """The condition on a request that tags a new runtime: it carries this stack's owner tag."""
    return {"StringEquals": {f"aws:RequestTag/{p.OWNER_STACK_TAG}": stack.stack_id}}


def _runtime_logs_arn(stack: cdk.Stack, log_group_names: str = "*") -> str:
    return stack.format_arn(
        service="logs",
        resource="log-group",
        resource_name=f"{p.RUNTIME_LOG_GROUP_PREFIX}{log_group_names}",
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )


def _all_log_groups_arn(stack: cdk.Stack) -> str:
    return stack.format_arn(
        service="logs", resource="log-group", resource_name="*", arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME
    )


def _runtime_arn(stack: cdk.Stack, runtime_ids: str) -> str:
    return stack.format_arn(service="bedrock-agentcore", resource="runtime", resource_name=runtime_ids)


def _workload_identity_directory_arn(stack: cdk.Stack) -> str:
    return stack.format_arn(
        service="bedrock-agentcore", resource="workload-identity-directory", resource_name="default"
    )


def _workload_identity_arn(stack: cdk.Stack, names: str) -> str:
    return f"{_workload_identity_directory_arn(stack)}/workload-identity/{names}"


def _workload_identity_arns(stack: cdk.Stack, runtime_name: str) -> list[str]:
    return [_workload_identity_directory_arn(stack), _workload_identity_arn(stack, f"{runtime_name}-*")]


def _lifecycle(idle: cdk.Duration | None, max_lifetime: cdk.Duration | None) -> dict[str, int]:
    low, high = (limit.to_seconds() for limit in LIFECYCLE_LIMITS)
    lifecycle: dict[str, int] = {}
    for key, duration in (("idleRuntimeSessionTimeout", idle), ("maxLifetime", max_lifetime)):
        if duration is None:
            continue
        seconds = int(duration.to_seconds())
        if not low <= seconds <= high:
            raise ValueError(f"{key} must be between {int(low)} and {int(high)} seconds, got {seconds}")
        lifecycle[key] = seconds
    if len(lifecycle) == 2 and lifecycle["idleRuntimeSessionTimeout"] > lifecycle["maxLifetime"]:
        raise ValueError("idle_session_timeout must not exceed max_lifetime")
    return lifecycle
