"""Signed-in users: the bearer JWT every ``POST /invocations`` carries when the deployment signs users in.

AgentCore checks the token before the request reaches the container; the agent checks it again, as defence in depth
(a runtime whose authorizer was switched off, a local run, a header allowlist that lets another header through), and
takes the conversation's owner from it alone.

- ``issuer``: the provider's discovery document and signing keys (JWKS), fetched once and kept, fetched again once
  for a key it does not know.
- ``user``: the ``VerifiedUser`` a token proves, and where it travels with the request (light: the server imports it
  whatever the deployment).
- ``tokens``: one token verified: signature, algorithm, issuer, lifetime, client or audience.
- ``guard``: the ASGI middleware that refuses a request without a valid token before its body is read.
"""
