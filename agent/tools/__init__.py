"""What the model may call: the tools, their registration, and the system prompt that names them.

- ``registry``: the one list of tools the agent offers; adding a tool is its module and one entry there.
- ``prompt``: the default system prompt, which tells the model what its tools are for.
- ``time_limit``: every tool call bounded in wall-clock time (``TOOL_TIMEOUT_SECONDS``).
- ``get_weather``, ``get_time``: one tool each.
- ``calculator``: ``strands_tools.calculator``, computing in worker processes under limits.
"""
