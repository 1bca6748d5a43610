"""The agent's linux/arm64 image: built in AWS CodeBuild at deploy time (the default), or by this machine's Docker.

Both modes build the same context, ``Dockerfile`` and ``agent/`` (``IMAGE_CONTEXT_EXCLUDES``), so a change anywhere
else in the repository builds nothing and makes no new runtime version.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol

import aws_cdk as cdk
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3_assets as s3_assets
from cdklabs.deploy_time_build import ContainerImageBuild
from constructs import Construct

from infra.log_groups import function_log_group
from infra.nag import acknowledge_wildcards

IMAGE_CONTEXT_EXCLUDES = [
    "*",
    "!Dockerfile",
    "!.dockerignore",
    "!agent",
    "**/__pycache__",
    "**/*.pyc",
    "**/.pytest_cache",
]
"""Docker-style patterns: the build context is the Dockerfile (with its .dockerignore) and ``agent/``, nothing else."""

BUILD_TIMEOUT = cdk.Duration.minutes(20)
"""CodeBuild stops a build after this long; a normal build takes a few minutes."""
BUILD_RESPONSE_TIMEOUT = cdk.Duration.minutes(30)
"""CloudFormation fails the build resource if no answer came by then (a build that never reached its last phase)."""

ECR_PUSH_ACTIONS = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
]
ECR_PUBLIC_SERVICE = "ecr-public.amazonaws.com"


FAILURE_REASON_LINE_BREAK = "reason: \nhttps://"
"""In the library's buildspec, a line break inside the failure reason, which its JSON answer then carries raw."""


class ContainerImage(Protocol):
    """What a runtime needs of its image: the URI to run, and the one repository its role may pull from."""

    @property
    def image_uri(self) -> str:
        """``<registry>/<repository>:<tag>``."""
        ...

    @property
    def repository(self) -> ecr.IRepository:
        """The repository holding the image."""
        ...


def context_hash(directory: Path) -> str:
    """SHA-256 of the build context, computed the way CDK fingerprints an asset, with the same exclusions."""
    return cdk.FileSystem.fingerprint(str(directory), exclude=IMAGE_CONTEXT_EXCLUDES, ignore_mode=cdk.IgnoreMode.DOCKER)


def local_image(scope: Construct, construct_id: str, *, directory: Path) -> ecr_assets.DockerImageAsset:
    """The image built by this machine's Docker during ``cdk deploy`` and pushed to the CDK bootstrap repository.

    Its tag is the asset hash, a fingerprint of the same context as ``context_hash``.
    """
    return ecr_assets.DockerImageAsset(
        scope,
        construct_id,
        directory=str(directory),
        platform=ecr_assets.Platform.LINUX_ARM64,
        exclude=IMAGE_CONTEXT_EXCLUDES,
        ignore_mode=cdk.IgnoreMode.DOCKER,
    )


class RemoteImageBuild(Construct):
    """The image built in AWS CodeBuild, on a native arm64 build image, at deploy time, into a repository of its own.

    ``cdklabs.deploy-time-build`` (``ContainerImageBuild``) does the build: ``cdk deploy`` uploads the context to
    the CDK assets bucket, a custom resource starts a CodeBuild build that runs ``docker buildx build --platform
    linux/arm64`` and pushes the image, and the build itself answers CloudFormation: success with the tag, or
    failure with the link to its log. The resource's properties name the context's S3 object, whose key is the
    context's hash, so a build runs exactly when the context changed.

    Each tag is ``<context hash>-<32 random hex digits>``: a rebuild of the same context (a rollback re-running
    the previous build) gets a new tag instead of colliding with the old one, which the immutable repository
    would refuse.

    This construct also narrows what the library creates: the build role gets exactly what the build does (read
    its one source object, push to this repository, sign in to ECR and ECR Public, write its own log group) in
    place of the library's bucket-wide read and AWS managed policy; the trigger function logs to a group of its own
    instead of using AWSLambdaBasicExecutionRole; and both log groups belong to the stack, so destroy removes them.
    One per stack: the library shares its CodeBuild project and function across the stack.
    """

    def __init__(self, scope: Construct, construct_id: str, *, directory: Path, images_to_keep: int) -> None:
        """Create the repository and the build.

        :param directory: directory holding ``Dockerfile`` and ``agent/``.
        :param images_to_keep: the repository's lifecycle rule expires all but the newest this many images.
        """
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        if any(isinstance(node, RemoteImageBuild) for node in stack.node.find_all() if node is not self):
            raise ValueError("one RemoteImageBuild per stack: the build project and its role are shared")
        self.context_hash = context_hash(directory)
        self.repository = ecr.Repository(
            self,
            "Repository",
            image_scan_on_push=True,
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,
            lifecycle_rules=[
                ecr.LifecycleRule(
                    description=f"Keep the newest {images_to_keep} images",
                    tag_status=ecr.TagStatus.ANY,
                    max_image_count=images_to_keep,
                )
            ],
            removal_policy=cdk.RemovalPolicy.DESTROY,
            empty_on_delete=True,
        )
        build = ContainerImageBuild(
            self,
            "Build",
            directory=str(directory),
            platform=ecr_assets.Platform.LINUX_ARM64,
            exclude=IMAGE_CONTEXT_EXCLUDES,
            ignore_mode=cdk.IgnoreMode.DOCKER,
            repository=self.repository,
            tag_prefix=f"{self.context_hash}-",
        )
        self.image_uri: str = build.image_uri
        """The pushed image; referencing it makes a resource wait for the build."""
        self.image_tag: str = build.image_tag

        resource = build.node.find_child("Resource")
        (project,) = (node for node in resource.node.dependencies if isinstance(node, codebuild.Project))
        self.project: codebuild.Project = project
        source: s3_assets.Asset = build.node.find_child("Source")
        trigger: lambda_.SingletonFunction = build.node.find_child("CustomResourceHandler")

        build_logs = self._scope_project(stack, source)
        trigger_function, trigger_logging = self._scope_trigger(stack, trigger)
        resource.node.add_dependency(build_logs, trigger_logging)
        resource.node.default_child.add_property_override("ServiceTimeout", int(BUILD_RESPONSE_TIMEOUT.to_seconds()))
        self._acknowledge(trigger_function)

    def _scope_project(self, stack: cdk.Stack, source: s3_assets.Asset) -> logs.LogGroup:
        """Give the build role exactly what the library's buildspec does, and the build a log group of the stack."""
        project = self.project
        cfn_project: codebuild.CfnProject = project.node.default_child
        cfn_project.timeout_in_minutes = int(BUILD_TIMEOUT.to_minutes())
        _answer_failures_in_valid_json(stack, cfn_project)
        # CodeBuild's default group, which the library's failure message links to; created before any build runs.
        log_group_name = f"/aws/codebuild/{project.project_name}"
        build_logs = logs.LogGroup(
            self,
            "BuildLogs",
            log_group_name=log_group_name,
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        log_group_arn = stack.format_arn(
            service="logs",
            resource="log-group",
            resource_name=log_group_name,
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )
        document = iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    sid="ReadBuildContext",
                    actions=["s3:GetObject"],
                    resources=[source.bucket.arn_for_objects(source.s3_object_key)],
                ),
                iam.PolicyStatement(
                    sid="PushImage", actions=ECR_PUSH_ACTIONS, resources=[self.repository.repository_arn]
                ),
                # Neither supports a resource-level permission: "*" is the only valid resource.
                iam.PolicyStatement(sid="EcrSignIn", actions=["ecr:GetAuthorizationToken"], resources=["*"]),
                iam.PolicyStatement(
                    sid="EcrPublicSignIn", actions=["ecr-public:GetAuthorizationToken"], resources=["*"]
                ),
                iam.PolicyStatement(
                    sid="EcrPublicBearerToken",
                    actions=["sts:GetServiceBearerToken"],
                    resources=["*"],
                    conditions={"StringEquals": {"sts:AWSServiceName": ECR_PUBLIC_SERVICE}},
                ),
                iam.PolicyStatement(
                    sid="BuildLogs",
                    actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[log_group_arn, f"{log_group_arn}:*"],
                ),
            ]
        )
        role = project.role
        role.node.default_child.managed_policy_arns = None
        role.node.find_child("DefaultPolicy").node.default_child.policy_document = document
        acknowledge_wildcards(
            role,
            {
                "*": "ecr:GetAuthorizationToken, ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken "
                "support no resource-level permission (Service Authorization Reference); the bearer token is "
                "limited to ECR Public by the sts:AWSServiceName condition",
                f"{log_group_arn}:*": "log streams of the build's own log group, named by CodeBuild per build",
            },
        )
        return build_logs

    def _scope_trigger(
        self, stack: cdk.Stack, trigger: lambda_.SingletonFunction
    ) -> tuple[lambda_.Function, iam.Policy]:
        """Log the trigger function to its own group, kept a month and deleted with the stack.

        In place of AWSLambdaBasicExecutionRole, which lets it write to any log group of the account.
        """
        (function,) = (
            node
            for node in stack.node.children
            if isinstance(node, lambda_.Function) and node.function_arn == trigger.function_arn
        )
        trigger_logs = function_log_group(self, "Trigger", function)
        trigger.role.node.default_child.managed_policy_arns = None
        # A policy of its own, not the role's default one, which the function depends on: the log group depends on
        # the function's name.
        logging = iam.Policy(
            self,
            "TriggerLogging",
            roles=[trigger.role],
            statements=[
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[trigger_logs.log_group_arn]
                )
            ],
        )
        return function, logging

    def _acknowledge(self, trigger_function: lambda_.Function) -> None:
        """Findings on what the library builds that this construct keeps on purpose."""
        cdk.Validations.of(trigger_function).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-L1",
                reason="The library pins nodejs22.x (Node.js 22: end of life 2027-04-30) for its trigger, which "
                "relies on that runtime's bundled AWS SDK; it is kept on the runtime the library is tested with.",
            )
        )
        cdk.Validations.of(self.project).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-CB3",
                reason="Privileged mode runs the Docker daemon that builds the image; the build runs only the "
                "library's fixed buildspec on the stack's own build context.",
            ),
            cdk.Acknowledgment(
                id="AwsSolutions-CB4",
                reason="The project has no build artifacts (NO_ARTIFACTS): its one output is the image, which ECR "
                "encrypts at rest. A customer managed key would outlive cdk destroy for its 7-day deletion wait.",
            ),
        )


def _answer_failures_in_valid_json(stack: cdk.Stack, cfn_project: codebuild.CfnProject) -> None:
    r"""Keep the failure reason on one line, so the build's answer to CloudFormation is valid JSON.

    The library's buildspec writes ``"Reason": "<text>\n<log link>"`` with a raw line break, which a strict JSON
    parser refuses; CloudFormation would then see no answer and fail only at ``BUILD_RESPONSE_TIMEOUT``, without
    the link to the build's log.
    """
    source = stack.resolve(cfn_project.source)
    build_spec = json.loads(source["buildSpec"])
    commands: list[str] = build_spec["phases"]["post_build"]["commands"]
    if not any(FAILURE_REASON_LINE_BREAK in command for command in commands):
        raise ValueError(
            "the deploy-time-build buildspec changed: check that its failure answer is valid JSON, then update "
            "FAILURE_REASON_LINE_BREAK in infra/image.py"
        )
    build_spec["phases"]["post_build"]["commands"] = [
        command.replace(FAILURE_REASON_LINE_BREAK, "reason: https://") for command in commands
    ]
    cfn_project.source = codebuild.CfnProject.SourceProperty(
        type=source["type"], build_spec=json.dumps(build_spec, indent=2)
    )
