"""Proof 3: ``pip check`` in the lock's venv reports nothing but requirements on the packages left out on purpose."""

from __future__ import annotations

import re
from importlib.metadata import distributions
from pathlib import Path

from packaging.requirements import Requirement

from scripts.image.failure import CheckFailed
from scripts.image.lock.commands import run
from scripts.image.lock.pins import IMAGE_PYTHON, LEFT_OUT, normalise

MISSING = re.compile(r"(\S+) \S+ requires (\S+), which is not installed\.")


def prove_consistency(venv: Path) -> str:
    """Run ``pip check`` in ``venv`` and sort what it reports.

    A requirement on a left-out package is expected; one whose marker is false on the image's Python is this host's
    own (the venv's Python may not be 3.13); anything else is an inconsistency.

    Returns:
        The proof's summary line.

    Raises:
        CheckFailed: ``pip check`` reported anything else.
    """
    result = run([str(venv / "bin" / "python"), "-m", "pip", "check", "--disable-pip-version-check"], timeout=120)
    tolerated, other_python, problems = set(), set(), []
    for line in result.stdout.splitlines():
        missing = MISSING.fullmatch(line.strip())
        if missing and normalise(missing.group(2)) in LEFT_OUT:
            tolerated.add(normalise(missing.group(2)))
        elif missing and _not_for_image(venv, missing.group(1), missing.group(2)):
            other_python.add(normalise(missing.group(2)))
        elif line.strip() and line.strip() != "No broken requirements found.":
            problems.append(line)
    if problems:
        found = "\n".join(problems)
        raise CheckFailed(f"pip check found inconsistencies other than the deliberately left-out packages:\n{found}")
    note = (
        f"; also missing {', '.join(sorted(other_python))}, required only on this host's Python, not on {IMAGE_PYTHON}"
        if other_python
        else ""
    )
    return (
        f"consistency: pip check reports nothing but the {len(tolerated)} deliberately left-out requirements "
        f"({', '.join(sorted(tolerated))}){note}"
    )


def _not_for_image(venv: Path, requirer: str, missing: str) -> bool:
    """Does ``requirer`` need ``missing`` only on Pythons other than the image's (a marker false on 3.13)?"""
    image = {"python_version": IMAGE_PYTHON, "python_full_version": f"{IMAGE_PYTHON}.0", "platform_machine": "aarch64"}
    site_packages = [str(path) for path in venv.glob("lib/python*/site-packages")]
    for dist in distributions(path=site_packages):
        if normalise(dist.metadata["Name"]) != normalise(requirer):
            continue
        requirements = [Requirement(text) for text in dist.requires or ()]
        wanted = [req for req in requirements if normalise(req.name) == normalise(missing)]
        return bool(wanted) and all(req.marker and not req.marker.evaluate(image) for req in wanted)
    return False
