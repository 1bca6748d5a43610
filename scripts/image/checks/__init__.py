"""What ``make image-test`` checks in a built image and in its running containers, one module per concern.

- ``containers``: starting containers as AgentCore would, waiting for ``/ping``, invoking, running a probe in one.
- ``contents``: what the image holds (exactly the lock, no tests or compilers, a home, the kept AWS models, its size).
- ``bytecode``: bytecode for what the agent and its calculator worker import.
- ``processes``: who runs in a container (nobody as root, PID 1 the agent, the calculator's workers as uid 1000).
- ``serving``: the image as AgentCore starts it, without credentials, up to ``docker stop``.
- ``scripted``: a scripted model through the real tools, then SIGTERM in the middle of a stream.
- ``start_time``: ``docker run`` to a healthy ``/ping``, against a bare ``python -c pass``.
"""
