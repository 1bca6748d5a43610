"""Signed-in users (the ``auth`` setting): who may invoke the runtime besides AWS identities, split by job.

- ``authorizer``: ``JwtAuthorizer``, what AgentCore's ``customJWTAuthorizer`` and the agent are both told: the
  provider's discovery URL and the allowed clients or audiences (free of ``aws_cdk``: the settings and ``make local``
  read it).
- ``cognito``: ``CognitoSignIn``, the user pool, its public app client and its managed login (``auth=cognito``).
- ``sign_in``: what the stack adds for each mode: the user pool or nothing, and the outputs the client reads.

Nothing here imports ``aws_cdk`` on import: the deployment settings import ``authorizer`` without starting jsii.
"""
