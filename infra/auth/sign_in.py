"""What the stack adds for its ``auth`` mode.

Nothing for ``iam``; a user pool for ``cognito``; in both JWT modes, the outputs a client signs users in with.
"""

from __future__ import annotations

import aws_cdk as cdk

from contract.auth import (
    AUTH_COGNITO,
    OUTPUT_AUTH_CLIENT_ID,
    OUTPUT_AUTH_DISCOVERY_URL,
    OUTPUT_LOGIN_DOMAIN,
    OUTPUT_USER_POOL_ID,
)
from infra.auth.authorizer import JwtAuthorizer
from infra.auth.cognito import CognitoSignIn
from infra.settings import DeploymentSettings


def sign_in(stack: cdk.Stack, settings: DeploymentSettings) -> JwtAuthorizer | None:
    """The runtime's authorizer for ``settings.auth``, with the user pool (``cognito``) and the outputs it needs.

    None for ``iam``: the runtime takes SigV4, as without this module, and the stack gains nothing.
    """
    if settings.auth == AUTH_COGNITO:
        pool = CognitoSignIn(stack, "SignIn")
        cdk.CfnOutput(stack, OUTPUT_USER_POOL_ID, value=pool.user_pool.user_pool_id, description="Cognito user pool")
        cdk.CfnOutput(stack, OUTPUT_LOGIN_DOMAIN, value=pool.domain.base_url(), description="Managed login")
        authorizer, client_id = pool.authorizer, pool.client.user_pool_client_id
    else:
        authorizer = settings.jwt_authorizer()
        if authorizer is None:
            return None
        clients = authorizer.allowed_clients
        client_id = clients[0] if len(clients) == 1 else None
    cdk.CfnOutput(
        stack, OUTPUT_AUTH_DISCOVERY_URL, value=authorizer.discovery_url, description="Sign-in provider's discovery"
    )
    if client_id:
        cdk.CfnOutput(stack, OUTPUT_AUTH_CLIENT_ID, value=client_id, description="App client users sign in with")
    return authorizer
