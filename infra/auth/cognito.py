"""``CognitoSignIn``: a Cognito user pool whose users sign in to the agent, for ``auth=cognito``.

Users are added by an administrator (``python -m client users add``), never by themselves, and sign in on Cognito's
managed login with a password and a one-time code from an authenticator app (MFA is required: the agent spends money
on Bedrock for whoever signs in). The app client is public (no secret: it runs on the user's machine, where a secret
would not stay one), allows only the authorization-code flow with PKCE, issues refresh tokens, and sends the browser
back only to the loopback redirect URIs the client listens on: ``python -m client login`` on ``LOGIN_PORTS`` and the
chat page on ``WEB_CHAT_PORT`` (Cognito matches a redirect URI exactly, port included, and takes plain ``http`` only
for ``localhost``).

Managed login is the newer one (``NEWER_MANAGED_LOGIN``), with Cognito's own branding: the classic hosted UI is the
older of the two and AWS builds new sign-in features (passkeys, its newer look) for managed login only; its one extra
resource, the branding style, holds nothing but "use Cognito's defaults".
"""

from __future__ import annotations

import re

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from contract.auth import LOGIN_PORTS, WEB_CHAT_PORT, login_redirect_uri, web_redirect_uri, web_signed_out_uri
from infra.auth.authorizer import JwtAuthorizer

MIN_PASSWORD_LENGTH = 12
TEMPORARY_PASSWORD_DAYS = 7
ACCESS_TOKEN_VALIDITY = cdk.Duration.hours(1)
REFRESH_TOKEN_VALIDITY = cdk.Duration.days(30)
_RESERVED_IN_PREFIX = re.compile("aws|amazon|cognito")
"""Words Cognito refuses in a domain prefix."""
_MAX_PREFIX_NAME = 40


def domain_prefix_name(stack_name: str) -> str:
    """The readable part of the login domain's prefix: the stack's name as Cognito takes it (the account follows).

    Lower-case letters, digits and hyphens, without the words Cognito reserves; the account id appended to it makes
    the prefix unique in the Region, where Cognito needs it to be.
    """
    name = _RESERVED_IN_PREFIX.sub("", re.sub(r"[^a-z0-9]+", "-", stack_name.lower()))
    name = re.sub("-+", "-", name).strip("-")[:_MAX_PREFIX_NAME].strip("-")
    return name or "agent"


class CognitoSignIn(Construct):
    """A user pool, its public app client for the code flow with PKCE, and its managed login domain."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        """Create the user pool and what signing in to it needs.

        Args:
            scope: The stack.
            construct_id: The construct's id; changing it replaces the user pool, and every user in it is lost.
        """
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            password_policy=cognito.PasswordPolicy(
                min_length=MIN_PASSWORD_LENGTH,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=cdk.Duration.days(TEMPORARY_PASSWORD_DAYS),
            ),
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.ESSENTIALS,
            # The users are this stack's: `cdk destroy` deletes the pool rather than leaving it behind.
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.client = self.user_pool.add_client(
            "AppClient",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
                callback_urls=[*(login_redirect_uri(port) for port in LOGIN_PORTS), web_redirect_uri(WEB_CHAT_PORT)],
                logout_urls=[web_signed_out_uri(WEB_CHAT_PORT)],
            ),
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            access_token_validity=ACCESS_TOKEN_VALIDITY,
            id_token_validity=ACCESS_TOKEN_VALIDITY,
            refresh_token_validity=REFRESH_TOKEN_VALIDITY,
        )
        self.domain = self.user_pool.add_domain(
            "LoginDomain",
            cognito_domain=cognito.CognitoDomainOptions(
                domain_prefix=cdk.Fn.join("-", [domain_prefix_name(stack.stack_name), stack.account])
            ),
            managed_login_version=cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
        )
        cognito.CfnManagedLoginBranding(
            self,
            "LoginBranding",
            user_pool_id=self.user_pool.user_pool_id,
            client_id=self.client.user_pool_client_id,
            use_cognito_provided_values=True,
        )
        self.discovery_url: str = cdk.Fn.join(
            "", [self.user_pool.user_pool_provider_url, "/.well-known/openid-configuration"]
        )
        """The pool's OpenID Connect discovery URL."""
        self.authorizer = JwtAuthorizer(self.discovery_url, allowed_clients=(self.client.user_pool_client_id,))
        """Access tokens of this pool's app client: Cognito's access tokens carry its id as ``client_id``."""
        cdk.Validations.of(self.user_pool).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-COG8",
                reason="Essentials, not Plus: Plus's threat protection is billed per monthly active user, and this "
                "pool takes no sign-up (an administrator adds each user), requires MFA and a 12-character password "
                "with every character class, and answers no user-existence probe; add feature_plan=PLUS for threat "
                "protection",
            )
        )
