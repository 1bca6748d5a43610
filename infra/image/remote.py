"""``RemoteImageBuild``: the agent's linux/arm64 image, built in AWS CodeBuild at deploy time (the default mode).

A wrapper of ``cdklabs.deploy-time-build`` that narrows what the library creates (its build role, its trigger's
logging) and keeps its failure answer valid JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

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

from infra.function_log_groups import log_to_own_group
from infra.image.context import IMAGE_CONTEXT_EXCLUDES, context_hash
from infra.image.permissions import BUILD_ROLE, BuildResources
from infra.permission import acknowledge, statements

BUILD_TIMEOUT = cdk.Duration.minutes(20)
"""CodeBuild stops a build after this long; a normal build takes a few minutes."""
BUILD_RESPONSE_TIMEOUT = cdk.Duration.minutes(30)
"""CloudFormation fails the build resource if no answer came by then (a build that never reached its last phase)."""

FAILURE_REASON_LINE_BREAK = "reason: \nhttps://"
"""In the library's buildspec, a line break inside the failure reason, which its JSON answer then carries raw."""


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

        Args:
            scope: The construct the build belongs to.
            construct_id: The build's id in ``scope``.
            directory: Directory holding ``Dockerfile``, ``agent/`` and ``contract/``.
            images_to_keep: The repository's lifecycle rule expires all but the newest this many images.

        Raises:
            ValueError: The stack already has a ``RemoteImageBuild``.
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
        self.trigger_function: lambda_.Function = trigger_function
        """The library's function that starts the build (shared by the stack's builds)."""
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
        granted = BuildResources(
            source_object_arn=source.bucket.arn_for_objects(source.s3_object_key),
            repository_arn=self.repository.repository_arn,
            log_group_arn=log_group_arn,
        )
        role = project.role
        role.node.default_child.managed_policy_arns = None
        role.node.find_child("DefaultPolicy").node.default_child.policy_document = iam.PolicyDocument(
            statements=statements(BUILD_ROLE, granted)
        )
        acknowledge(role, BUILD_ROLE, granted)
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
        trigger.role.node.default_child.managed_policy_arns = None
        return function, log_to_own_group(self, "Trigger", function, trigger.role)

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
            "FAILURE_REASON_LINE_BREAK in infra/image/remote.py"
        )
    build_spec["phases"]["post_build"]["commands"] = [
        command.replace(FAILURE_REASON_LINE_BREAK, "reason: https://") for command in commands
    ]
    cfn_project.source = codebuild.CfnProject.SourceProperty(
        type=source["type"], build_spec=json.dumps(build_spec, indent=2)
    )
