"""``versions``, ``promote`` and ``rollback`` against the stateful control-plane fake, through real boto3.

The runtime has three versions (images v1, v2, v3): ``DEFAULT`` serves the latest, ``live`` version 1. The stack's
outputs come from the local stand-in's CloudFormation; ``promote`` and ``rollback`` print the deploy and change
nothing, which the tests check by the control plane's state.
"""

from __future__ import annotations

import pytest

from client import cli
from contract.deployment import DEFAULT_STACK_NAME, OUTPUT_ENDPOINTS, OUTPUT_RUNTIME_ARN
from contract.endpoints import PREVIOUS_VERSION_TAG
from fakes.control_plane import ControlPlane
from fakes.dataplane import DataPlane
from fakes.live_server import serve
from infra.runtime.handler import properties
from tests.client.cli.helpers import assert_one_error_line, run

REPOSITORY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/agent"


def settled(control, runtime_id, endpoint=None):
    """Poll until the runtime (or its endpoint) settles, as the fake lets time pass per read."""
    for _ in range(3):
        if endpoint:
            control.get_agent_runtime_endpoint(agentRuntimeId=runtime_id, endpointName=endpoint)
        else:
            control.get_agent_runtime(agentRuntimeId=runtime_id)


@pytest.fixture
def plane():
    """A runtime with versions 1 to 3 and an endpoint ``live`` on version 1."""
    plane = ControlPlane()
    control = plane.client()
    configuration = {
        "roleArn": "arn:aws:iam::123456789012:role/agent",
        "networkConfiguration": {"networkMode": "PUBLIC"},
        "description": "Streaming Strands agent",
    }
    created = control.create_agent_runtime(
        agentRuntimeName="streaming_agent",
        agentRuntimeArtifact={"containerConfiguration": {"containerUri": f"{REPOSITORY}:v1"}},
        **configuration,
    )
    runtime_id = created["agentRuntimeId"]
    settled(control, runtime_id)
    for image in ("v2", "v3"):
        control.update_agent_runtime(
            agentRuntimeId=runtime_id,
            agentRuntimeArtifact={"containerConfiguration": {"containerUri": f"{REPOSITORY}:{image}"}},
            **configuration,
        )
        settled(control, runtime_id)
    control.create_agent_runtime_endpoint(agentRuntimeId=runtime_id, name="live", agentRuntimeVersion="1")
    settled(control, runtime_id, "live")
    plane.arn = created["agentRuntimeArn"]
    with plane.installed():
        yield plane


@pytest.fixture
def stack(plane, monkeypatch):
    """The deployed stack's outputs, served by the stand-in's CloudFormation; returns them to change."""
    stand_in = DataPlane(agent_url="http://127.0.0.1:9")
    outputs = {OUTPUT_RUNTIME_ARN: plane.arn, OUTPUT_ENDPOINTS: "live:1,canary:latest"}
    stand_in.stacks[DEFAULT_STACK_NAME] = outputs
    with serve(stand_in.app) as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", url)
        yield outputs


def versions(capsys, *argv):
    """Each line of ``versions`` after its header: ``[number, date, time, image tag, status, endpoints]``."""
    code, out, err = run(capsys, "versions", *argv)
    assert (code, err) == (0, ""), err
    return [line.split(None, 5) for line in out.splitlines()[1:]]


# ---- versions -------------------------------------------------------------------------------------------------------


def test_versions__newest_first_with_the_date_image_tag_and_endpoints_serving_each(plane, capsys):
    shown = versions(capsys, "--arn", plane.arn)

    assert shown == [
        ["3", "2026-01-01", "02:00", "v3", "READY", "DEFAULT"],
        ["2", "2026-01-01", "01:00", "v2", "READY", "-"],
        ["1", "2026-01-01", "00:00", "v1", "READY", "live"],
    ]


def test_versions__an_endpoint_moving_shows_where_it_goes_and_where_it_still_serves(plane, capsys):
    plane.client().update_agent_runtime_endpoint(
        agentRuntimeId=plane.arn.rsplit("/", 1)[1], endpointName="live", agentRuntimeVersion="2"
    )

    shown = {line[0]: line[5] for line in versions(capsys, "--arn", plane.arn)}

    assert (shown["2"], shown["1"]) == ("live (moving here)", "live")


def test_versions__limit_keeps_the_newest(plane, capsys):
    shown = versions(capsys, "--arn", plane.arn, "--limit", "2")

    assert [line[0] for line in shown] == ["3", "2"]


# ---- promote and rollback -------------------------------------------------------------------------------------------


def test_promote__prints_the_deploy_that_moves_the_endpoint_and_changes_nothing(plane, stack, capsys):
    code, out, err = run(capsys, "promote", "live", "--to", "3")

    assert code == 0
    assert out == 'make deploy CDK_ARGS="-c endpoints=live:3,canary:latest"\n'
    assert "live serves version 1 now; after this deploy it serves version 3" in err
    assert _endpoint(plane, "live").live_version == "1"


def test_promote__a_new_endpoint_or_latest(plane, stack, capsys):
    code, out, _ = run(capsys, "promote", "beta", "--to", "latest")

    assert (code, out) == (0, 'make deploy CDK_ARGS="-c endpoints=live:1,canary:latest,beta:latest"\n')


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["promote", "live", "--to", "9"], "the runtime has no version '9'; it has 1, 2, 3"),
        (["promote", "DEFAULT", "--to", "2"], "DEFAULT always serves the latest version"),
        (["rollback", "canary"], "endpoint canary has served no other version"),
        (["rollback", "beta"], "'beta' is not one of the stack's named endpoints (live, canary)"),
    ],
    ids=["unknown version", "DEFAULT", "nothing before", "not the stack's"],
)
def test_promote_and_rollback__refuse_what_no_deploy_could_do_in_one_line(plane, stack, capsys, argv, says):
    if argv[1] == "canary":
        plane.client().create_agent_runtime_endpoint(
            agentRuntimeId=plane.arn.rsplit("/", 1)[1], name="canary", agentRuntimeVersion="3"
        )

    code, out, err = run(capsys, *argv)

    assert (code, out) == (cli.EXIT_CONFIGURATION, "")
    assert_one_error_line(err, says)


def test_rollback__prints_the_deploy_back_to_the_version_the_endpoint_served_before(plane, stack, capsys):
    _endpoint(plane, "live").tags[PREVIOUS_VERSION_TAG] = "2"  # as the stack's handler writes it when it moves one

    code, out, err = run(capsys, "rollback", "live")

    assert code == 0
    assert out == 'make deploy CDK_ARGS="-c endpoints=live:2,canary:latest"\n'
    assert "live serves version 1 now; after this deploy it serves version 2" in err


def test_previous_version_tag__is_the_one_the_stacks_handler_writes():
    assert PREVIOUS_VERSION_TAG == properties.PREVIOUS_VERSION_TAG


def _endpoint(plane, name):
    (runtime,) = plane.runtimes.values()
    return runtime.endpoints[name]
