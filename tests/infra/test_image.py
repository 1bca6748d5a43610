"""The agent image in both build modes: remote (CodeBuild at deploy time, the default) and local (Docker asset)."""

import json
import os
import subprocess
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from infra.image import RemoteImageBuild, context_hash
from infra.image.permissions import BUILD_ROLE
from infra.runtime.handler import properties as p
from infra.settings import DeploymentSettings
from infra.stack import AgentCoreStack
from tests.infra.conftest import ACCOUNT, REGION
from tests.infra.iam_templates import as_list, by_sid, policies

CONTEXT_FILES = {
    "Dockerfile": "FROM scratch\nCOPY agent /agent\n",
    ".dockerignore": "*\n!agent/\n",
    "agent/main.py": "print('v1')\n",
    "contract/names.py": "PORT = 8080\n",
    "README.md": "# readme\n",
    "tests/test_x.py": "def test(): pass\n",
    "infra/stack.py": "STACK = 1\n",
}


def write_context(directory: Path, changes: dict[str, str] | None = None) -> Path:
    for name, text in {**CONTEXT_FILES, **(changes or {})}.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    return directory


def only(template, resource_type):
    (resource,) = template.find_resources(resource_type).values()
    return resource


def logical_id(template, resource_type):
    (name,) = template.find_resources(resource_type)
    return name


@pytest.mark.parametrize(
    ("changed", "rebuilds"),
    [
        ("agent/main.py", True),
        ("contract/names.py", True),
        ("Dockerfile", True),
        (".dockerignore", True),
        ("README.md", False),
        ("tests/test_x.py", False),
        ("infra/stack.py", False),
        ("agent/__pycache__/main.cpython-313.pyc", False),
    ],
)
def test_context_hash__changes_exactly_when_the_build_context_does(tmp_path, changed, rebuilds):
    before = context_hash(write_context(tmp_path / "before"))
    after = context_hash(write_context(tmp_path / "after", {changed: "something else\n"}))

    assert (before != after) is rebuilds


_synthesized: dict[tuple[str, str | None], Template] = {}


def stack_template(tmp_path_factory, mode: str, changed: str | None) -> Template:
    """The whole stack built from a small context, ``changed`` edited; cached, each variant is synthesized once."""
    if (mode, changed) not in _synthesized:
        directory = write_context(tmp_path_factory.mktemp("context"), {changed: "edited\n"} if changed else None)
        app = cdk.App(outdir=str(tmp_path_factory.mktemp("out")), context={"aws:cdk:bundling-stacks": []})
        stack = AgentCoreStack(
            app,
            "Probe",
            settings=DeploymentSettings(image_build=mode),
            image_directory=directory,
            env=cdk.Environment(account=ACCOUNT, region=REGION),
        )
        _synthesized[(mode, changed)] = Template.from_stack(stack)
    return _synthesized[(mode, changed)]


def deployed_image(template: Template) -> str:
    """What decides whether a deploy builds and rolls out a new image: the build's and the runtime's properties."""
    runtime = only(template, p.RESOURCE_TYPE)["Properties"][p.AGENT_RUNTIME_ARTIFACT]
    builds = [resource["Properties"] for resource in template.find_resources("Custom::CDKContainerImageBuild").values()]
    return json.dumps([runtime, builds], sort_keys=True)


@pytest.mark.parametrize("mode", ["remote", "local"])
def test_stack__a_change_outside_the_build_context_deploys_the_same_image(tmp_path_factory, mode):
    before = stack_template(tmp_path_factory, mode, None)
    after = stack_template(tmp_path_factory, mode, "README.md")

    assert deployed_image(before) == deployed_image(after)


@pytest.mark.parametrize("mode", ["remote", "local"])
def test_stack__a_change_in_agent_builds_a_new_image_hence_a_new_runtime_version(tmp_path_factory, mode):
    before = stack_template(tmp_path_factory, mode, None)
    after = stack_template(tmp_path_factory, mode, "agent/main.py")

    assert deployed_image(before) != deployed_image(after)


def test_remote_build__tag_starts_with_the_context_hash_and_the_source_is_that_context(tmp_path_factory):
    template = stack_template(tmp_path_factory, "remote", None)
    build = only(template, "Custom::CDKContainerImageBuild")["Properties"]
    directory = write_context(tmp_path_factory.mktemp("same"))

    assert build["tagPrefix"] == f"{context_hash(directory)}-"
    assert build["sourceS3Url"].endswith(f"/{context_hash(directory)}.zip")
    assert "--platform linux/arm64" in build["buildCommand"]


def test_repository__scans_on_push_keeps_tags_immutable_and_keeps_the_newest_ten(template):
    repository = only(template, "AWS::ECR::Repository")
    rule = json.loads(repository["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"])["rules"]

    assert repository["Properties"]["ImageScanningConfiguration"] == {"ScanOnPush": True}
    assert repository["Properties"]["ImageTagMutability"] == "IMMUTABLE"
    assert rule == [
        {
            "rulePriority": 1,
            "description": "Keep the newest 10 images",
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 10},
            "action": {"type": "expire"},
        }
    ]


def test_repository__is_deleted_with_its_images_by_cdk_destroy(template):
    repository = only(template, "AWS::ECR::Repository")

    assert repository["DeletionPolicy"] == "Delete"
    assert repository["UpdateReplacePolicy"] == "Delete"
    assert repository["Properties"]["EmptyOnDelete"] is True


def bare_build(tmp_path, **kwargs):
    stack = cdk.Stack(
        cdk.App(outdir=str(tmp_path / "out")), "Bare", env=cdk.Environment(account=ACCOUNT, region=REGION)
    )
    RemoteImageBuild(stack, "Image", directory=write_context(tmp_path / "context"), **kwargs)
    return stack


def test_repository__keeps_as_many_images_as_configured(tmp_path):
    template = Template.from_stack(bare_build(tmp_path, images_to_keep=3))
    rules = json.loads(only(template, "AWS::ECR::Repository")["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"])

    assert rules["rules"][0]["selection"]["countNumber"] == 3


def test_remote_build__one_per_stack(tmp_path):
    stack = bare_build(tmp_path, images_to_keep=10)

    with pytest.raises(ValueError, match="one RemoteImageBuild per stack"):
        RemoteImageBuild(stack, "Second", directory=tmp_path / "context", images_to_keep=10)


def test_build__runs_on_a_native_arm64_build_image_with_a_bounded_time(template):
    project = only(template, "AWS::CodeBuild::Project")["Properties"]

    assert project["Environment"]["Type"] == "ARM_CONTAINER"
    assert project["Environment"]["Image"] == "aws/codebuild/amazonlinux2-aarch64-standard:3.0"
    assert project["Environment"]["PrivilegedMode"] is True  # the Docker daemon that builds the image
    assert project["TimeoutInMinutes"] == 20
    assert project["Artifacts"] == {"Type": "NO_ARTIFACTS"}


def test_build_role__may_do_exactly_what_the_build_does(template):
    project = logical_id(template, "AWS::CodeBuild::Project")
    (role,) = (name for name in template.find_resources("AWS::IAM::Role") if name.startswith("ContainerImageBuild"))
    repository = {"Fn::GetAtt": [logical_id(template, "AWS::ECR::Repository"), "Arn"]}
    source_hash = only(template, "Custom::CDKContainerImageBuild")["Properties"]["tagPrefix"].rstrip("-")
    build_logs = {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                f":logs:{REGION}:{ACCOUNT}:log-group:/aws/codebuild/",
                {"Ref": project},
            ],
        ]
    }
    build_log_streams = {"Fn::Join": ["", [*build_logs["Fn::Join"][1], ":*"]]}
    source = {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, f":s3:::cdk-hnb659fds-assets-{ACCOUNT}-{REGION}/{source_hash}.zip"],
        ]
    }
    expected = {
        "ReadBuildContext": [source],
        "PushImage": [repository],
        "EcrSignIn": ["*"],
        "EcrPublicSignIn": ["*"],
        "EcrPublicBearerToken": ["*"],
        "BuildLogs": [build_logs, build_log_streams],
    }

    statements = by_sid(policies(template, role))

    assert {sid: as_list(s["Resource"]) for sid, s in statements.items()} == expected
    assert {sid: as_list(s["Action"]) for sid, s in statements.items()} == {
        permission.name: list(permission.actions) for permission in BUILD_ROLE
    }
    assert statements["EcrPublicBearerToken"]["Condition"] == {
        "StringEquals": {"sts:AWSServiceName": "ecr-public.amazonaws.com"}
    }
    assert "ManagedPolicyArns" not in template.find_resources("AWS::IAM::Role")[role]["Properties"]


def test_build_trigger__may_only_start_this_build_and_log_to_its_own_group(template):
    functions = template.find_resources("AWS::Lambda::Function", {"Properties": {"Runtime": "nodejs22.x"}})
    ((name, function),) = functions.items()
    role = function["Properties"]["Role"]["Fn::GetAtt"][0]
    (trigger_logs,) = (
        group_id
        for group_id, group in template.find_resources("AWS::Logs::LogGroup").items()
        if group["Properties"].get("LogGroupName") == {"Fn::Join": ["", ["/aws/lambda/", {"Ref": name}]]}
    )

    statements = policies(template, role)

    assert sorted(
        ([s["Action"]] if isinstance(s["Action"], str) else s["Action"], s["Resource"]) for s in statements
    ) == [
        (["codebuild:StartBuild"], {"Fn::GetAtt": [logical_id(template, "AWS::CodeBuild::Project"), "Arn"]}),
        (["logs:CreateLogStream", "logs:PutLogEvents"], {"Fn::GetAtt": [trigger_logs, "Arn"]}),
    ]
    assert "ManagedPolicyArns" not in template.find_resources("AWS::IAM::Role")[role]["Properties"]


def test_build_logs__belong_to_the_stack_so_destroy_removes_them(template):
    project = logical_id(template, "AWS::CodeBuild::Project")
    groups = template.find_resources("AWS::Logs::LogGroup")
    build = only(template, "Custom::CDKContainerImageBuild")
    (build_logs,) = (
        name
        for name, group in groups.items()
        if group["Properties"].get("LogGroupName") == {"Fn::Join": ["", ["/aws/codebuild/", {"Ref": project}]]}
    )

    assert all(group["DeletionPolicy"] == "Delete" for group in groups.values())
    # Both exist before the first build starts: nothing is written to a group the stack does not own.
    assert build_logs in build["DependsOn"]
    assert any(name.startswith("AgentImageTriggerLogging") for name in build["DependsOn"])


def test_runtime__runs_the_image_the_build_pushed_and_waits_for_it(template):
    build = logical_id(template, "Custom::CDKContainerImageBuild")
    repository = logical_id(template, "AWS::ECR::Repository")
    uri = only(template, p.RESOURCE_TYPE)["Properties"][p.AGENT_RUNTIME_ARTIFACT]["containerConfiguration"]

    parts = uri["containerUri"]["Fn::Join"][1]

    # <account>.dkr.ecr.<region>.<suffix>/<repository>:<tag the build answered>; the GetAtt orders the runtime
    # after the build, so a failed build leaves no runtime.
    assert parts[-4:] == ["/", {"Ref": repository}, ":", {"Fn::GetAtt": [build, "ImageTag"]}]


def test_build__cloudformation_gives_up_on_a_silent_build_after_thirty_minutes(template):
    build = only(template, "Custom::CDKContainerImageBuild")

    assert build["Properties"]["ServiceTimeout"] == 1800


def run_post_build(template, tmp_path, succeeding):
    """Run the buildspec's post_build script with bash, as CodeBuild would, and return what it sent CloudFormation."""
    project = only(template, "AWS::CodeBuild::Project")["Properties"]
    script = "\n".join(json.loads(project["Source"]["BuildSpec"])["phases"]["post_build"]["commands"])
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # curl stand-in: keeps the body it was asked to PUT (-d @file) instead of sending it.
    (bin_dir / "curl").write_text('#!/bin/sh\nfor a; do case "$a" in @*) cp "${a#@}" "$SENT";; esac; done\n')
    (bin_dir / "curl").chmod(0o755)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "SENT": str(tmp_path / "sent.json"),
        "CODEBUILD_BUILD_SUCCEEDING": "1" if succeeding else "0",
        "CODEBUILD_LOG_PATH": "0f1e2d3c-stream",
        "AWS_REGION": REGION,
        "projectName": "ImageBuildProject",
        "stackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/S/1",
        "requestId": "request-1",
        "logicalResourceId": "AgentImageBuild",
        "imageTag": "5c45-0f3e",
        "responseURL": "https://cloudformation-custom-resource-response.example/",
    }
    subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, check=True, capture_output=True)
    return json.loads((tmp_path / "sent.json").read_text())  # strict JSON, as CloudFormation parses it


def test_build__failure_fails_the_resource_with_the_link_to_the_build_log(template, tmp_path):
    sent = run_post_build(template, tmp_path, succeeding=False)

    assert sent["Status"] == "FAILED"
    assert sent["Reason"].startswith("ContainerImageBuild failed.")
    assert "log-group/$252Faws$252Fcodebuild$252FImageBuildProject/log-events/0f1e2d3c-stream" in sent["Reason"]
    assert (sent["RequestId"], sent["LogicalResourceId"]) == ("request-1", "AgentImageBuild")


def test_build__success_answers_the_tag_it_pushed(template, tmp_path):
    sent = run_post_build(template, tmp_path, succeeding=True)

    assert (sent["Status"], sent["Data"], sent["PhysicalResourceId"]) == (
        "SUCCESS",
        {"ImageTag": "5c45-0f3e"},
        "5c45-0f3e",
    )


def test_remote_build__synthesizes_no_docker_image_asset_and_uploads_only_the_context(synthesized):
    _, _, outdir = synthesized
    manifest = json.loads(next(Path(outdir).glob("*.assets.json")).read_text())
    contexts = [
        Path(outdir) / asset["source"]["path"]
        for asset in manifest["files"].values()
        if (Path(outdir) / asset["source"]["path"] / "Dockerfile").exists()
    ]

    assert manifest.get("dockerImages", {}) == {}
    (context,) = contexts
    assert {path.name for path in context.iterdir()} == {"Dockerfile", ".dockerignore", "agent", "contract"}
    assert not list(context.rglob("__pycache__"))


def test_local_build__is_a_linux_arm64_docker_asset_of_dockerfile_and_agent_only(synthesized_local, template_local):
    _, _, outdir = synthesized_local
    manifest = json.loads(next(Path(outdir).glob("*.assets.json")).read_text())
    (image,) = manifest["dockerImages"].values()
    context = Path(outdir) / image["source"]["directory"]

    assert image["source"]["platform"] == "linux/arm64"
    assert {path.name for path in context.iterdir()} <= {"Dockerfile", "agent", "contract", ".dockerignore"}
    assert not list(context.rglob("__pycache__"))
    template_local.resource_count_is("AWS::CodeBuild::Project", 0)
    template_local.resource_count_is("AWS::ECR::Repository", 0)


@pytest.mark.parametrize("synthesized_stack", ["synthesized", "synthesized_local"], ids=["remote", "local"])
def test_build_context__holds_everything_the_dockerfile_copies(synthesized_stack, request):
    _, _, outdir = request.getfixturevalue(synthesized_stack)
    manifest = json.loads(next(Path(outdir).glob("*.assets.json")).read_text())
    sources = [asset["source"] for asset in [*manifest["files"].values(), *manifest.get("dockerImages", {}).values()]]
    (context,) = (
        Path(outdir) / (source.get("path") or source["directory"])
        for source in sources
        if (Path(outdir) / (source.get("path") or source["directory"]) / "Dockerfile").exists()
    )
    copied = [
        word
        for line in (context / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ") and "--from" not in line
        for word in line.split()[1:-1]
    ]

    assert copied
    assert [path for path in copied if not (context / path).exists()] == []
