"""``python -m client web``: a chat page in the browser that relays to the agent (see ``client.web.server``).

This package's own module stays free of starlette and uvicorn, so the command line can read its defaults without
them; ``client.web.server`` imports them.
"""

DEFAULT_HOST = "127.0.0.1"
"""Serve the page on loopback only: it relays with the user's AWS credentials."""

DEFAULT_PORT = 8501
"""The page's port unless ``--port`` says otherwise."""
