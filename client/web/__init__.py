"""``python -m client web``: a chat page in the browser that relays each turn to the agent as it streams.

``server`` serves the page (``static/``) and the relay; ``turn_request`` reads a turn request, ``relay`` streams its
answer to the page line by line, ``problems`` names what went wrong the way the page shows it, and ``access`` decides
who may use the relay at all.

This package's own module stays free of starlette and uvicorn, so the command line can read its defaults without
them; ``client.web.server`` imports them.
"""

from contract.auth import WEB_CHAT_PORT

DEFAULT_HOST = "127.0.0.1"
"""Serve the page on loopback only: it relays with the user's AWS credentials."""

DEFAULT_PORT = WEB_CHAT_PORT
"""The page's port unless ``--port`` says otherwise; the stack registers its sign-in callback."""
