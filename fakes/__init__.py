"""Offline stand-ins for everything the project talks to, used openly by tests/, bench/ and scripts/.

Each plays its part for real over the wire where it can: scripted Strands models that the real event loop drives,
local servers for AgentCore's data planes (runtime and Memory) that check SigV4 and botocore's own request shapes, a
stateful control plane behind real boto3 clients with IAM evaluated from the synthesized policies, and the helpers to
serve and read them. Nothing here is shipped: the image carries only ``agent/`` and ``contract/``.
"""
