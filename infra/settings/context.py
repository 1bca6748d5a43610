"""Where CDK context is read: the app's own, or the one ``npx cdk ... -c key=value`` will see, before ``cdk`` runs.

``make deploy``'s preflight, ``make destroy`` and ``make local`` read the settings from the ``cdk`` arguments they are
given (``CDK_ARGS``) with ``read_settings``, exactly as the app will.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from infra.settings.deployment import DeploymentSettings
from infra.settings.setting import ConfigurationError

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


def read_settings(program: str, cdk_args: Sequence[str]) -> tuple[CommandLineContext, DeploymentSettings] | None:
    """The context and settings ``cdk`` will see with ``cdk_args``; None when a setting is refused.

    The refusal is printed first, as ``<program>: <what is wrong>. Fix: ...``, for the caller to exit 1.
    """
    context = CommandLineContext(cdk_args, CDK_JSON)
    try:
        return context, DeploymentSettings.load(context)
    except ConfigurationError as error:
        print(f"{program}: {error}", file=sys.stderr)
        return None
