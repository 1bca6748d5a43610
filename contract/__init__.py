"""Names and rules shared by the three tiers: the agent in its container, the CDK app, and the client.

Each fact lives in exactly one module here, and every tier imports it from here: the agent (``agent/``) writes what
``client/`` reads, and ``infra/`` sets what ``agent/`` reads. Standard library only, so that the image, the CDK app and
the client can each import it without the others' dependencies; the image carries this package beside ``agent/``.

- ``contract.agentcore``: what AgentCore Runtime and Memory define (port, headers, id rules, log groups).
- ``contract.deployment``: what the stack hands the container and the client (environment, stack outputs).
- ``contract.stream``: what ``POST /invocations`` answers (stream modes, event types).
- ``contract.record``: the one JSON line the agent prints per invocation.
- ``contract.metrics``: the CloudWatch metrics that line carries, which the stack's dashboard and alarms name.
- ``contract.endpoints``: the named endpoints setting (``live:3,canary:latest``), read by the stack, written by the
  client.
- ``contract.auth``: signed-in users (the ``auth`` modes, the authorizer's variables and outputs, whose conversation).
"""
