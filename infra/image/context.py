"""The image's build context, what a runtime needs of an image, and the local build (this machine's Docker).

Both build modes build the same context, ``Dockerfile``, ``agent/`` and ``contract/`` (``IMAGE_CONTEXT_EXCLUDES``), so
a change anywhere else in the repository builds nothing and makes no new runtime version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import aws_cdk as cdk
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecr_assets as ecr_assets
from constructs import Construct

IMAGE_CONTEXT_EXCLUDES = [
    "*",
    "!Dockerfile",
    "!.dockerignore",
    "!agent",
    "!contract",
    "**/__pycache__",
    "**/*.pyc",
    "**/.pytest_cache",
]
"""Docker-style patterns: the build context is the Dockerfile (with its .dockerignore), ``agent/`` and the ``contract/``
it imports, which the Dockerfile copies beside it; nothing else."""


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
