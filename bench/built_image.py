"""The built image's figures, as ``make image-test`` measured them (it needs a Docker engine; the benchmarks do not).

``make image-test`` writes ``build/image-test.json``; this module reads it and refuses figures measured from another
Dockerfile or agent (the build context's hash is recorded with them), so a stale image never passes for this one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from bench.processes import ROOT

FIGURES = ROOT / "build" / "image-test.json"


def context_hash(root: Path = ROOT) -> str:
    """sha256 over the image's build context: the Dockerfile, agent/ and contract/ (bytecode aside)."""
    digest = hashlib.sha256()
    sources = sorted(path for folder in ("agent", "contract") for path in (root / folder).rglob("*") if path.is_file())
    files = [root / "Dockerfile", *sources]
    for path in files:
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def figures(naive_mb: float) -> tuple[dict[str, Any] | None, str]:
    """The recorded figures, flat, with the layers against the naive set's ``naive_mb``, and a note; ``None`` when
    there are none for this build context."""
    if not FIGURES.exists():
        return None, "no build/image-test.json: run `make image-test` (Docker) first"
    recorded = json.loads(FIGURES.read_text(encoding="utf-8"))
    if recorded.get("context_hash") != context_hash():
        return None, f"build/image-test.json is from another Dockerfile/agent ({recorded.get('commit')}): rerun it"
    arm, amd = recorded["architectures"]["arm64"], recorded["architectures"]["amd64"]
    if "container_ping_ratio_runs" not in amd:
        return None, "build/image-test.json records no per-run start times (older make image-test): rerun it"
    note = f"measured by make image-test at {recorded.get('commit')}"
    return {
        "commit": recorded.get("commit"),
        "naive_mb": naive_mb,
        "arm64_image_mb": arm["image_mb"],
        "arm64_base_mb": arm["base_mb"],
        "arm64_layers_mb": arm["layers_mb"],
        "layers_naive_ratio": arm["layers_mb"] / naive_mb,
        "amd64_runs": amd["runs"],
        "amd64_container_ping_s": amd["container_ping_s"],
        "amd64_container_bare_s": amd["container_bare_s"],
        "amd64_container_ping_ratio": amd["container_ping_ratio"],
        "amd64_container_ping_ratio_runs": amd["container_ping_ratio_runs"],
        "arm64_container_ping_s": arm["container_ping_s"],
        "arm64_container_bare_s": arm["container_bare_s"],
        "arm64_container_ping_ratio": arm["container_ping_ratio"],
    }, note
