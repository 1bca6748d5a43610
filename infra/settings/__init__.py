"""The deployment's settings: one table of them (``DeploymentSettings``), read from CDK context, else the environment.

- ``deployment``: ``DeploymentSettings``, each field one setting; ``load`` reads them all, the docs' table lists them.
- ``setting``: what a setting is (context key, variables, parser, check, docs line), and ``ConfigurationError``.
- ``checks``: what each setting refuses, with the fix; ``context``: the CDK context before ``cdk`` runs.
- ``command_line``: the settings as the preflight, ``make destroy`` and ``make local`` read them from ``CDK_ARGS``.
- ``region``: the Region ``cdk deploy`` will deploy to, as the preflight, ``make destroy`` and ``make local`` see it.

Free of ``aws_cdk``: the helpers around ``cdk`` read the settings without starting jsii.
"""

from infra.settings.checks import IMAGE_BUILD_LOCAL, IMAGE_BUILD_REMOTE
from infra.settings.command_line import read_settings
from infra.settings.context import CDK_JSON, CommandLineContext, Context
from infra.settings.deployment import CDK_REGION_VARIABLE, DeploymentSettings
from infra.settings.region import deployment_region, profile_region
from infra.settings.setting import ConfigurationError

__all__ = [
    "CDK_JSON",
    "CDK_REGION_VARIABLE",
    "IMAGE_BUILD_LOCAL",
    "IMAGE_BUILD_REMOTE",
    "CommandLineContext",
    "ConfigurationError",
    "Context",
    "DeploymentSettings",
    "deployment_region",
    "profile_region",
    "read_settings",
]
