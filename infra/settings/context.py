"""Where CDK context is read: the app's own, or the one ``npx cdk ... -c key=value`` will see, before ``cdk`` runs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

CDK_JSON = Path(__file__).resolve().parents[2] / "cdk.json"
"""The app's ``cdk.json``: its ``context`` counts, after the command line's ``-c``, as ``cdk`` itself counts it."""


class Context(Protocol):
    """Where CDK context is read: an app's ``node``, or ``CommandLineContext`` before ``cdk`` runs."""

    def try_get_context(self, key: str) -> object:  # noqa: D102
        ...


class CommandLineContext:
    """The CDK context that ``npx cdk ... -c key=value`` will see, for the helpers that run before or around it.

    ``make deploy CDK_ARGS="-c imageBuild=local"`` hands the same arguments to the preflight and to ``cdk``, so
    both read one setting the same way: ``-c``/``--context`` first, then the ``context`` of ``cdk.json``.
    """

    def __init__(self, args: Sequence[str], cdk_json: Path | None = None) -> None:
        self._values: dict[str, object] = {}
        if cdk_json is not None and cdk_json.is_file():
            self._values.update(json.loads(cdk_json.read_text()).get("context", {}))
        pending = list(args)
        while pending:
            arg = pending.pop(0)
            if arg in ("-c", "--context") and pending:
                pair = pending.pop(0)
            elif arg.startswith("--context="):
                pair = arg.removeprefix("--context=")
            else:
                continue
            key, separator, value = pair.partition("=")
            if separator:
                self._values[key] = value

    def try_get_context(self, key: str) -> object:
        """The value of ``key``, or None when neither the command line nor ``cdk.json`` sets it."""
        return self._values.get(key)
