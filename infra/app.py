"""The CDK app that ``cdk.json`` runs (``app.py``): one stack, and before it the preflight's verdict on where it goes.

``cdk deploy`` run directly skips ``make deploy``'s preflight, and without working AWS credentials ends in CDK's own
``Unable to resolve AWS account to use``. The CDK CLI gives the app the account (``CDK_DEFAULT_ACCOUNT``) only when
its credentials worked, and always a Region (``CDK_DEFAULT_REGION``, us-east-1 when it found none), so the app can
say first, in the preflight's words, what is missing and the command that fixes it. A notice, not a failure:
``cdk synth`` needs neither, offline included.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping

from infra.jsii_node import quiet_node_warnings
from infra.preflight import NO_CREDENTIALS, NO_REGION, REFUSED_CREDENTIALS, has_credentials
from infra.settings import ConfigurationError, Context, DeploymentSettings, deployment_region, profile_region

CDK_CLI_MARKER = "CDK_OUTDIR"
"""Set by the CDK CLI for every app it runs; without it nothing synthesized here is about to be deployed."""
CDK_ACCOUNT_VARIABLE = "CDK_DEFAULT_ACCOUNT"
DESCRIPTION = "Streaming Strands agent on Amazon Bedrock AgentCore Runtime (image, execution role, runtime)"


def notices(
    context: Context,
    environ: Mapping[str, str],
    *,
    profile: Callable[[], str | None] = profile_region,
    credentials: Callable[[], bool] = has_credentials,
) -> list[str]:
    """What ``cdk deploy`` and ``cdk destroy`` will lack, in the preflight's words; empty when nothing is missing."""
    if CDK_CLI_MARKER not in environ:
        return []
    found = []
    if not deployment_region(context, environ, profile):
        found.append(f"{NO_REGION}. Until then the CDK CLI deploys to us-east-1.")
    if not environ.get(CDK_ACCOUNT_VARIABLE):
        verdict = (
            REFUSED_CREDENTIALS.format(why=" (the CDK CLI could not read the account with them)")
            if credentials()
            else NO_CREDENTIALS
        )
        found.append(f"{verdict}. cdk synth goes on without them; cdk deploy and cdk destroy stop.")
    return found


def main() -> None:
    """Synthesize the stack into the CDK CLI's output directory."""
    quiet_node_warnings()
    # jsii starts Node on this import, and reads its variables then: they are set above.
    import aws_cdk as cdk

    from infra.stack import AgentCoreStack

    app = cdk.App()
    try:
        settings = DeploymentSettings.load(app.node)
    except ConfigurationError as error:
        sys.exit(f"error: {error}")
    for notice in notices(app.node, os.environ):
        print(f"notice: {notice}", file=sys.stderr)
    AgentCoreStack(
        app,
        settings.stack_name,
        settings=settings,
        env=cdk.Environment(account=os.environ.get(CDK_ACCOUNT_VARIABLE) or None, region=settings.region),
        description=DESCRIPTION,
    )
    app.synth()
