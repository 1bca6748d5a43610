"""The settings ``cdk`` will see, read by the helpers that run around it from the arguments they are given.

``make deploy``'s preflight, ``make destroy`` and ``make local`` take ``cdk``'s own arguments (``CDK_ARGS``) and read
the settings from them and ``cdk.json`` exactly as the app will.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from infra.settings.context import CDK_JSON, CommandLineContext
from infra.settings.deployment import DeploymentSettings
from infra.settings.setting import ConfigurationError


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
