"""Every permission of the remote image build's CodeBuild role: exactly what the library's buildspec does.

In place of what ``cdklabs.deploy-time-build`` grants (bucket-wide ``s3:GetObject*``/``s3:List*``, report groups,
and the AWS managed policy ``AmazonElasticContainerRegistryPublicReadOnly``). Each is one ``Permission``
(``infra/permission.py``); the tests derive what they expect from this list.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.permission import Permission, ecr_sign_in, on_any_resource

ECR_PUBLIC_SERVICE = "ecr-public.amazonaws.com"


@dataclass(frozen=True)
class BuildResources:
    """What the build role's permissions are granted on: the context it reads, where it pushes and logs."""

    source_object_arn: str
    repository_arn: str
    log_group_arn: str


BUILD_ROLE: tuple[Permission[BuildResources], ...] = (
    Permission(
        name="ReadBuildContext",
        actions=("s3:GetObject",),
        resources=lambda on: [on.source_object_arn],
        scope="the one zip of this build context in the CDK assets bucket",
    ),
    Permission(
        name="PushImage",
        actions=(
            "ecr:BatchCheckLayerAvailability",
            "ecr:InitiateLayerUpload",
            "ecr:UploadLayerPart",
            "ecr:CompleteLayerUpload",
            "ecr:PutImage",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
        ),
        resources=lambda on: [on.repository_arn],
        scope="the stack's image repository only",
    ),
    ecr_sign_in("EcrSignIn"),
    on_any_resource(
        "EcrPublicSignIn",
        ("ecr-public:GetAuthorizationToken",),
        scope=" (no resource-level permission): the base image comes from ECR Public",
        why="ecr-public:GetAuthorizationToken supports no resource-level permission",
    ),
    on_any_resource(
        "EcrPublicBearerToken",
        ("sts:GetServiceBearerToken",),
        conditions=lambda _: {"StringEquals": {"sts:AWSServiceName": ECR_PUBLIC_SERVICE}},
        scope=f" (no resource-level permission), only with `sts:AWSServiceName` = `{ECR_PUBLIC_SERVICE}`",
        why="sts:GetServiceBearerToken supports no resource-level permission; the bearer token is limited to ECR "
        "Public by the sts:AWSServiceName condition",
    ),
    Permission(
        name="BuildLogs",
        actions=("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
        resources=lambda on: [on.log_group_arn, f"{on.log_group_arn}:*"],
        scope="the build's own log group `/aws/codebuild/<project>` and its log streams",
        wildcard="log streams of the build's own log group, named by CodeBuild per build",
    ),
)
