"""The unmodified ``Dockerfile`` built on the stand-in base, tagged with the ``FROM`` name it asks for."""

from __future__ import annotations

import os
import re
import time

from scripts.image.engine.docker_cli import docker
from scripts.image.failure import CheckFailed
from scripts.image.paths import ROOT
from scripts.image.progress import log

DOCKERFILE = ROOT / "Dockerfile"
IMAGE_REPO = "agentcore-image-test/agent"


def from_name() -> str:
    """The Dockerfile's base image name without its digest: the name the stand-in is tagged with.

    Raises:
        CheckFailed: the Dockerfile does not pin its base as ``ARG BASE_IMAGE=<name>:<tag>@sha256:<digest>``.
    """
    match = re.search(r"^ARG BASE_IMAGE=(\S+)$", DOCKERFILE.read_text(encoding="utf-8"), re.MULTILINE)
    if not match or "@sha256:" not in match.group(1):
        raise CheckFailed("the Dockerfile must declare ARG BASE_IMAGE=<name>:<tag>@sha256:<digest> for FROM")
    return match.group(1).split("@", 1)[0]


def build(arch: str, base: str) -> str:
    """Build the Dockerfile for ``arch`` on ``base``, passing the ``FROM`` name without the digest no local build has.

    Args:
        arch: ``amd64`` or ``arm64``.
        base: the stand-in's tag (``scripts.image.engine.standin.standin``).

    Returns:
        The built image's tag.
    """
    name = from_name()
    docker("tag", base, name)
    image = f"{IMAGE_REPO}:{arch}"
    started = time.monotonic()
    log(f"build {arch}: docker build --platform linux/{arch} --build-arg BASE_IMAGE={name} .")
    docker(
        "build",
        "--platform",
        f"linux/{arch}",
        "--network",
        "host",  # pip reaches PyPI as this machine does
        "--build-arg",
        f"BASE_IMAGE={name}",
        "--tag",
        image,
        str(ROOT),
        env={**os.environ, "DOCKER_BUILDKIT": "0"},
    )
    log(f"build {arch}: {image} in {time.monotonic() - started:.0f} s")
    return image
