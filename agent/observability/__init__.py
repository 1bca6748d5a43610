"""What the agent tells its operators: one JSON record per invocation on stdout, and plain log lines on stderr.

- ``invocation_log``: the ASGI middleware that prints each invocation's record however the request ended.
- ``recorder``: what one invocation did, reported by the stream, the turn and Strands' tool hook as it happens.
- ``metrics``: the record as a CloudWatch Embedded Metric Format document, so CloudWatch Logs makes metrics of it.
- ``log_format``: the format of every other line (``key=<value>, ... | message``), and two corrections to the SDK's.

Nothing is imported here: the calculator's worker processes configure their logging through ``log_format`` and
import nothing of the server.
"""
