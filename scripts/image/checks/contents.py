"""What the image holds: exactly the lock, no test suites or compilers, a home, the kept AWS models, and its size."""

from __future__ import annotations

import json
from typing import Any

from scripts.image.checks.containers import IMAGE_UID, BuiltImage, json_of, probe_path, run_in_image
from scripts.image.engine.docker_cli import docker
from scripts.image.failure import CheckFailed
from scripts.image.lock.pins import normalise, pinned
from scripts.image.paths import ROOT
from scripts.image.progress import log

AWS_SERVICES = ROOT / "agent" / "aws_services.txt"
"""The AWS services whose botocore models the Dockerfile keeps, one per line, ``#`` comments."""
APP = ["agent", "contract"]
"""What ``/app`` holds: the agent and the contract it shares with the other tiers, nothing else."""
LAYERS_GOAL_MB = 150.0
"""What the Dockerfile may add on top of its base."""


def check_contents(image: BuiltImage, base: str) -> dict[str, Any]:
    """Check what ``image`` holds against ``base``, the stand-in it was built on, and measure its size.

    Returns:
        ``image_mb``, ``base_mb`` and ``layers_mb`` (what the Dockerfile adds).

    Raises:
        CheckFailed: anything it holds is not as it should be, or the layers exceed ``LAYERS_GOAL_MB``.
    """
    arch = image.arch
    base_packages = pip_inventory(base)
    added = {name: version for name, version in pip_inventory(image.tag).items() if name not in base_packages}
    pins = pinned()
    if added != pins:
        extra = sorted(set(added.items()) - set(pins.items()))
        missing = sorted(set(pins.items()) - set(added.items()))
        raise CheckFailed(f"pip list differs from the lock: in the image only {extra}; in the lock only {missing}")
    log(f"{arch}: pip list = the lock's {len(pins)} pins exactly (besides the base's {', '.join(base_packages)})")
    facts = json_of(run_in_image(image.tag, "python", probe_path("content_scan.py")))
    problems = []
    if facts["test_dirs"]:
        problems.append(f"test suites in site-packages: {facts['test_dirs'][:5]}")
    if facts["compilers"]:
        problems.append(f"build tools on PATH: {facts['compilers']}")
    if not facts["home_ok"]:
        problems.append(f"HOME={facts['home']} is not a directory owned by uid {facts['uid']}")
    if facts["app"] != APP:
        problems.append(f"/app holds {facts['app']}, expected only agent/ and contract/")
    kept = kept_services()
    if facts["services"] != kept:
        problems.append(f"botocore models in the image: {facts['services']}, agent/aws_services.txt lists {kept}")
    if facts["uid"] != IMAGE_UID:
        problems.append(f"the image runs as uid {facts['uid']}, expected {IMAGE_UID}")
    if problems:
        raise CheckFailed("; ".join(problems))
    log(f"{arch}: no test suites, no compilers, HOME={facts['home']} owned by uid {IMAGE_UID}")
    log(f"{arch}: botocore keeps {len(kept)} service models, a client builds for each: {', '.join(kept)}")
    return sizes(image.tag, base, arch)


def pip_inventory(image: str) -> dict[str, str]:
    """``pip list`` of an image as ``name -> version``."""
    listing = run_in_image(image, "python", "-m", "pip", "list", "--format=json", "--disable-pip-version-check")
    return {normalise(item["name"]): item["version"] for item in json.loads(listing)}


def kept_services() -> list[str]:
    """The services ``agent/aws_services.txt`` lists, sorted as ``get_available_services`` sorts them."""
    lines = AWS_SERVICES.read_text(encoding="utf-8").splitlines()
    return sorted(name for line in lines if (name := line.partition("#")[0].strip()))


def sizes(image: str, base: str, arch: str) -> dict[str, Any]:
    """Image size and what the Dockerfile adds on top of the base, against the goal."""
    mb = 1_000_000
    image_bytes = int(docker("image", "inspect", "--format", "{{.Size}}", image).stdout)
    base_bytes = int(docker("image", "inspect", "--format", "{{.Size}}", base).stdout)
    layers = (image_bytes - base_bytes) / mb
    log(f"{arch}: image {image_bytes / mb:.0f} MB = stand-in base {base_bytes / mb:.0f} MB + layers {layers:.0f} MB")
    if layers > LAYERS_GOAL_MB:
        raise CheckFailed(f"the Dockerfile adds {layers:.0f} MB on top of the base; the goal is ≤ {LAYERS_GOAL_MB:.0f}")
    return {"image_mb": image_bytes / mb, "base_mb": base_bytes / mb, "layers_mb": layers}
