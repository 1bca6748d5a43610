"""Write the sha256 of every wheel the image may install next to each pin of ``agent/requirements.txt``.

The Dockerfile installs the lock with ``pip install --require-hashes``, so a wheel that changed on PyPI (or on the
way from it) fails the build instead of entering the image. Only the wheels pip can choose for the image are
hashed: CPython 3.13 on glibc Linux, aarch64 (AgentCore) and x86_64 (the fast local build). Hashes stay on the pin's
own line, so ``sed -E 's/ --hash=[^ ]+//g'`` gives back the plain pins the development venv installs.

    .venv/bin/python -m scripts.image.lock.hashes   # after changing a pin; one request to PyPI's simple index per pin
"""

from __future__ import annotations

import json
import sys
import urllib.request

from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

from scripts.image.lock.pins import IMAGE_PYTHON, LOCK, PIN

PYTHON = tuple(int(part) for part in IMAGE_PYTHON.split("."))
ABI = f"cp{''.join(IMAGE_PYTHON.split('.'))}"
GLIBC_MINORS = range(41, 4, -1)
"""Debian trixie, the official image's base, has glibc 2.41; every manylinux tag up to it can install."""


def image_tags() -> set[Tag]:
    """Every wheel tag pip accepts for CPython 3.13 on linux/aarch64 or linux/x86_64 with glibc 2.41."""
    tags: set[Tag] = set()
    for arch in ("aarch64", "x86_64"):
        platforms = [f"manylinux_2_{minor}_{arch}" for minor in GLIBC_MINORS]
        platforms += [f"manylinux2014_{arch}", f"linux_{arch}"]
        if arch == "x86_64":
            platforms += ["manylinux2010_x86_64", "manylinux1_x86_64"]
        tags.update(cpython_tags(PYTHON, abis=[ABI, "abi3", "none"], platforms=platforms))
        tags.update(compatible_tags(PYTHON, ABI, platforms))
    return tags


def wheel_hashes(name: str, version: str, tags: set[Tag]) -> list[str]:
    """The sha256 digests PyPI lists for the release's wheels that the image can install."""
    request = urllib.request.Request(
        f"https://pypi.org/simple/{canonicalize_name(name)}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (a fixed https URL)
        files = json.load(response)["files"]
    digests = []
    for file in files:
        if not file["filename"].endswith(".whl"):
            continue
        _, wheel_version, _, wheel_tags = parse_wheel_filename(file["filename"])
        if wheel_version == Version(version) and wheel_tags & tags:
            digests.append(file["hashes"]["sha256"])
    digests.sort()
    if not digests:
        raise SystemExit(f"{name}=={version} has no wheel for CPython {IMAGE_PYTHON} on linux aarch64/x86_64")
    return digests


def main() -> None:
    """Rewrite every pin line of the lock with its hashes; comments stay as they are."""
    tags = image_tags()
    lines = []
    for raw in LOCK.read_text(encoding="utf-8").splitlines():
        match = PIN.match(raw)
        if raw.startswith("#") or not match:
            lines.append(raw)
            continue
        digests = wheel_hashes(match.group(1), match.group(2), tags)
        lines.append(" ".join([match.group(0), *(f"--hash=sha256:{digest}" for digest in digests)]))
        print(f"{match.group(0)}: {len(digests)} wheels", file=sys.stderr)
    LOCK.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
