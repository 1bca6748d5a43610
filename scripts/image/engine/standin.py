"""The stand-in for the ``FROM`` image: no container registry is reachable, so it is made from Debian's packages.

Two steps, each cached: ``standin_base.sh`` writes a Debian trixie root filesystem with Python 3.13 (once per
architecture and recipe: an image tagged with the recipe's hash is reused), then ``standin.Dockerfile`` sets Python up
on it the way the official image has it. docs/image.md says how the stand-in differs from the official image.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import tarfile
import time
from pathlib import Path

from scripts.image.engine.docker_cli import docker
from scripts.image.progress import log

RECIPE = Path(__file__).resolve().parents[1]
"""The folder holding the stand-in's recipe, ``standin_base.sh`` and ``standin.Dockerfile``: its build context."""
STANDIN_SCRIPT = RECIPE / "standin_base.sh"
STANDIN_DOCKERFILE = RECIPE / "standin.Dockerfile"
ROOTFS_REPO = "agentcore-image-test/debian-rootfs"
STANDIN_REPO = "agentcore-image-test/python-standin"


def standin(arch: str, work: Path) -> str:
    """The stand-in base for ``arch``: the Debian root filesystem (built once per recipe), then Python set up on it.

    Args:
        arch: ``amd64`` or ``arm64`` (built under QEMU: several minutes).
        work: a scratch directory for the root filesystem's tar.

    Returns:
        The stand-in's image tag.
    """
    recipe = hashlib.sha256(STANDIN_SCRIPT.read_bytes()).hexdigest()[:16]
    rootfs = f"{ROOTFS_REPO}:{arch}-{recipe}"
    if docker("image", "inspect", rootfs, check=False).returncode == 0:
        log(f"base {arch}: reusing the Debian root filesystem {rootfs}")
    else:
        started = time.monotonic()
        log(f"base {arch}: building a Debian trixie root filesystem (minutes; arm64 runs under QEMU)")
        tar = work / f"rootfs-{arch}.tar"
        subprocess.run(["bash", str(STANDIN_SCRIPT), arch, str(tar)], check=True, timeout=5400)
        _load_rootfs(tar, arch, rootfs)
        tar.unlink()
        log(f"base {arch}: {rootfs} in {time.monotonic() - started:.0f} s")
    tag = f"{STANDIN_REPO}:{arch}"
    docker(
        "build",
        "--platform",
        f"linux/{arch}",
        "--network",
        "none",
        "--build-arg",
        f"ROOTFS={rootfs}",
        "--file",
        str(STANDIN_DOCKERFILE),
        "--tag",
        tag,
        str(RECIPE),
        env={**os.environ, "DOCKER_BUILDKIT": "0"},
    )
    return tag


def _load_rootfs(rootfs_tar: Path, arch: str, tag: str) -> None:
    """Load a root filesystem tar as a one-layer image of ``arch``.

    ``docker import --platform`` is ignored by Debian's engine (the image says amd64 whatever it holds, and an arm64
    build on it then fails), so the image is written in ``docker save`` format, whose config names the architecture.
    """
    digest = hashlib.sha256()
    with rootfs_tar.open("rb") as layer:
        for block in iter(lambda: layer.read(1 << 20), b""):
            digest.update(block)
    layer_id = digest.hexdigest()
    config = {
        "architecture": arch,
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": [f"sha256:{layer_id}"]},
        "history": [{"created_by": f"scripts/image/standin_base.sh {arch}"}],
    }
    config_bytes = json.dumps(config).encode()
    config_name = f"{hashlib.sha256(config_bytes).hexdigest()}.json"
    manifest = [{"Config": config_name, "RepoTags": [tag], "Layers": [f"{layer_id}/layer.tar"]}]
    archive = rootfs_tar.with_suffix(".image.tar")
    with tarfile.open(archive, "w") as image:
        image.add(rootfs_tar, arcname=f"{layer_id}/layer.tar")
        for name, data in ((config_name, config_bytes), ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            image.addfile(info, io.BytesIO(data))
    docker("load", "--input", str(archive))
    archive.unlink()
