"""The program inside the AgentCore container: a streaming Strands agent behind ``POST /invocations``.

A request travels through the packages in this order, and ``agent.server`` (``create_app``, ``main``) wires them:

- ``agent.http``: what arrives over HTTP. Connections are held to a header timeout and a cap, a body must be a
  usable invocation, the caller's session and actor ids must be printable, and every refusal is a JSON error; on
  SIGTERM open streams end and the process exits within its budget.
- ``agent.conversation``: whose conversation the request continues. One ``Agent`` per session in process, restored
  from and saved to AgentCore Memory when the deployment has one.
- ``agent.streaming``: one turn of that conversation, as Strands events become Server-Sent Events on the wire, ended
  on purpose however it ends (finished, failed, or the client hung up).
- ``agent.tools``: what the model may call, each call bounded in time; the calculator computes in worker processes.
- ``agent.observability``: the one JSON record printed per invocation, and the format of every other log line.

``agent.settings`` reads the environment once; ``agent.secrets`` reads the deployment's secrets when a tool asks.
``python -m agent`` (``agent/__main__.py``) is what the image runs.

Package ``__init__`` modules import nothing: ``python -m agent`` starts the calculator's worker before the server
imports its frameworks, and the worker imports its own module through these packages.
"""
