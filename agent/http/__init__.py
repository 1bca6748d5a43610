"""HTTP in front of the agent: what a request must be, how it is refused, and how the server holds and stops.

- ``payload``: the ``POST /invocations`` body, validated into an ``Invocation`` or refused with ``BadRequest``.
- ``caller``: the session id and actor id the request's headers name.
- ``invocation_middleware``: the base of the middlewares that look at ``POST /invocations`` only.
- ``request_guard``: ASGI middleware refusing an unusable body (too large, too slow, not JSON) before the SDK.
- ``errors``: the framework's own errors (unknown path, wrong method, a crash) answered as JSON.
- ``connection_guard``: uvicorn's HTTP/1.1 protocol with a header timeout, a connection cap and JSON for bad HTTP.
- ``serving``: uvicorn as the container runs it, until SIGTERM.
- ``shutdown``: what SIGTERM does: open streams end with an error event, telemetry flushes, the process exits 0.

Every refusal is a JSON object with ``error`` and ``hint``, whichever layer makes it.
"""
