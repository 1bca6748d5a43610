"""Where the checks find the repository, the stand-ins they mount into containers, and their own probes."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The repository's root: the image's build context."""
FAKES = ROOT / "fakes"
"""The offline stand-ins, mounted read-only into a container that needs a scripted model: never baked in."""
PROBES = Path(__file__).resolve().parent / "probes"
"""The programs run inside the image or the lock's venv (``scripts.image.probes``)."""
