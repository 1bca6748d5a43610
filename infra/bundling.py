"""Local bundling of a Python Lambda with pinned dependencies, so that synthesis needs no Docker engine."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_

LAMBDA_PLATFORM = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}


@jsii.implements(cdk.ILocalBundling)
class PipLocalBundling:
    """Install ``requirements.txt`` for the Lambda's platform with this machine's pip, then copy the modules.

    ``--only-binary=:all:`` with ``--platform`` makes pip pick the wheels the Lambda runtime loads, whatever
    this machine is; the Docker image of the same bundling options is only the fallback when this fails.
    """

    def __init__(self, source: Path, *, runtime: lambda_.Runtime, architecture: lambda_.Architecture) -> None:
        self._source = source
        self._python_version = runtime.name.removeprefix("python")
        self._platform = LAMBDA_PLATFORM[architecture.name]

    def try_bundle(self, output_dir: str, *_args: Any, **_options: Any) -> bool:
        """Bundle into ``output_dir``; CDK calls this at synth time before falling back to Docker."""
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            "--platform",
            self._platform,
            "--implementation",
            "cp",
            "--python-version",
            self._python_version,
            "--only-binary=:all:",
            "--target",
            output_dir,
            "-r",
            str(self._source / "requirements.txt"),
        ]
        try:
            subprocess.run(command, check=True)  # noqa: S603 - fixed arguments, this interpreter's pip
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"local bundling failed ({error}); falling back to Docker", file=sys.stderr)
            return False
        for module in sorted(self._source.glob("*.py")):
            shutil.copy2(module, output_dir)
        return True


def python_code(source: Path, *, runtime: lambda_.Runtime, architecture: lambda_.Architecture) -> lambda_.Code:
    """Lambda code from ``source``: its ``*.py`` modules plus its pinned ``requirements.txt``, bundled locally."""
    docker_platform = "linux/arm64" if architecture.name == lambda_.Architecture.ARM_64.name else "linux/amd64"
    return lambda_.Code.from_asset(
        str(source),
        exclude=["__pycache__", "*.pyc"],
        bundling=cdk.BundlingOptions(
            image=runtime.bundling_image,
            platform=docker_platform,
            command=[
                "bash",
                "-c",
                "pip install --no-cache-dir -r requirements.txt -t /asset-output && cp *.py /asset-output/",
            ],
            local=PipLocalBundling(source, runtime=runtime, architecture=architecture),
        ),
    )
