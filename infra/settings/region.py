"""The Region ``cdk deploy`` will deploy to, as every helper around it must agree: context, variables, profile."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import boto3
from botocore.exceptions import ProfileNotFound

from infra.settings.context import Context
from infra.settings.deployment import DeploymentSettings


def profile_region() -> str | None:
    """The Region of the AWS profile in use (``AWS_PROFILE``, else ``default``), as the CDK CLI falls back to it."""
    try:
        return boto3.session.Session().region_name
    except ProfileNotFound:  # the credentials check names the missing profile
        return None


def deployment_region(
    context: Context, environ: Mapping[str, str] | None = None, profile: Callable[[], str | None] = profile_region
) -> str | None:
    """The Region ``cdk deploy`` will deploy the stack to, or None when nothing names one.

    Context ``region``, then ``AWS_REGION``, ``AWS_DEFAULT_REGION``, then the profile's: under the CDK CLI the stack
    reads ``CDK_DEFAULT_REGION`` after the first three, and the CLI always sets that variable for the app to the Region
    it finds in the same places (else us-east-1), whatever the shell exported. The preflight, ``make destroy``, the
    app's own notice and the local launcher all ask here, so none of them can disagree with the stack.
    """
    environ = os.environ if environ is None else environ
    region = DeploymentSettings.entry("region")
    named = context.try_get_context(region.context_key) or next(
        (environ[name] for name in region.variables if environ.get(name)), None
    )
    return str(named) if named else profile()
