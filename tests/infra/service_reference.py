"""The Service Authorization Reference, as cfn-lint ships it: which resource types each action is authorized on.

An independent record of IAM, against which the tests hold the stack's statements instead of restating action lists.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import cfnlint


@functools.cache
def reference() -> dict[str, Any]:
    return json.loads((Path(cfnlint.__file__).parent / "data/AdditionalSpecs/Policies.json").read_text())


def resource_types(action: str) -> list[dict[str, Any]]:
    """The resource types ``service:Action`` is authorized on; none for an action authorized on ``*`` only."""
    service, name = action.split(":")
    actions = {key.lower(): value for key, value in reference()[service]["Actions"].items()}
    return [reference()[service]["Resources"][kind] for kind in actions[name.lower()].get("Resources", [])]


def actions_on(service: str, resource_type: str) -> list[str]:
    """Every action of ``service`` authorized on ``resource_type`` (``service:action``, in lower case)."""
    return sorted(
        f"{service}:{name.lower()}"
        for name, action in reference()[service]["Actions"].items()
        if resource_type in action.get("Resources", [])
    )
