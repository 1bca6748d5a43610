"""The CDK app as the CDK CLI runs it: the preflight's verdict before CDK's own error, no jsii banner, and a one-line
answer in a clone where ``make install`` has not run yet."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra.app import CDK_CLI_MARKER, notices
from infra.preflight import NO_CREDENTIALS, NO_REGION
from infra.settings import CommandLineContext
from tests.infra.conftest import offline_env

ROOT = Path(__file__).resolve().parents[2]
CLI = {CDK_CLI_MARKER: "cdk.out", "CDK_DEFAULT_REGION": "us-east-1"}
"""What the CDK CLI always gives the app: an output directory and a Region (us-east-1 when it found none)."""


def no_profile():
    return None


def verdict(environ, *, args=(), profile=no_profile, credentials=False):
    return notices(CommandLineContext(list(args)), environ, profile=profile, credentials=lambda: credentials)


def test_notices__none_when_the_cli_found_an_account_and_a_region_is_named():
    assert verdict({**CLI, "CDK_DEFAULT_ACCOUNT": "123456789012", "AWS_REGION": "eu-west-1"}) == []


def test_notices__none_outside_the_cdk_cli_where_nothing_is_deployed():
    assert verdict({}) == []


def test_notices__no_account_and_no_credentials_is_the_preflights_missing_credentials_line():
    found = verdict({**CLI, "AWS_REGION": "eu-west-1"})

    assert len(found) == 1
    assert found[0].startswith(NO_CREDENTIALS)
    assert "cdk deploy and cdk destroy stop" in found[0]


def test_notices__no_account_with_credentials_means_they_were_refused():
    found = verdict({**CLI, "AWS_REGION": "eu-west-1"}, credentials=True)

    assert len(found) == 1
    assert found[0].startswith("AWS credentials were refused")


def test_notices__the_clis_fallback_region_alone_is_no_region():
    found = verdict({**CLI, "CDK_DEFAULT_ACCOUNT": "123456789012"})

    assert found == [f"{NO_REGION}. Until then the CDK CLI deploys to us-east-1."]


@pytest.mark.parametrize(
    ("args", "environ", "profile"),
    [
        (["-c", "region=eu-west-1"], {}, no_profile),
        ([], {"AWS_REGION": "eu-west-1"}, no_profile),
        ([], {"AWS_DEFAULT_REGION": "eu-west-1"}, no_profile),
        ([], {}, lambda: "eu-west-1"),
    ],
    ids=["context", "AWS_REGION", "AWS_DEFAULT_REGION", "profile"],
)
def test_notices__a_region_from_any_source_of_the_preflight_is_enough(args, environ, profile):
    found = verdict({**CLI, "CDK_DEFAULT_ACCOUNT": "123456789012", **environ}, args=args, profile=profile)

    assert found == []


def test_app__synthesizes_offline_with_the_preflights_notices_and_no_jsii_banner(tmp_path):
    env = {
        **offline_env(tmp_path),
        **CLI,
        CDK_CLI_MARKER: str(tmp_path / "cdk.out"),
        # The CLI passes the context this way; the handler's bundling is left out (tests/infra/test_stack.py has it).
        "CDK_CONTEXT_JSON": json.dumps({"aws:cdk:bundling-stacks": []}),
    }

    result = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"notice: {NO_REGION}. Until then the CDK CLI deploys to us-east-1.",
        f"notice: {NO_CREDENTIALS}. cdk synth goes on without them; cdk deploy and cdk destroy stop.",
    ]
    assert (tmp_path / "cdk.out" / "manifest.json").is_file()


def test_cdk_json__app_in_a_clone_without_venv_says_in_one_line_to_run_make_install(tmp_path):
    shutil.copy(ROOT / "cdk.json", tmp_path)
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    app = json.loads((ROOT / "cdk.json").read_text())["app"]

    # The CDK CLI runs the app command through the shell, from the directory holding cdk.json.
    result = subprocess.run(
        ["/bin/sh", "-c", app], cwd=tmp_path, env=offline_env(tmp_path), capture_output=True, text=True, check=False
    )

    assert result.returncode != 0
    assert result.stderr == "cdk: the CDK app runs in .venv, which does not exist yet: run make install first\n"


def test_app__auth_jwt_without_its_provider_stops_synth_in_one_line_naming_the_setting(tmp_path):
    env = {
        **offline_env(tmp_path),
        **CLI,
        CDK_CLI_MARKER: str(tmp_path / "cdk.out"),
        "CDK_CONTEXT_JSON": json.dumps({"aws:cdk:bundling-stacks": [], "auth": "jwt"}),
    }

    result = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )

    assert result.returncode == 1
    assert result.stderr.startswith("error: auth=jwt needs the provider's discovery URL. Fix: `-c jwtDiscoveryUrl=")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "cdk.out" / "manifest.json").exists()
