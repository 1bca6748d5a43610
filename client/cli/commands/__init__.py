"""The commands of ``python -m client``, one module each; every module here is a command and exposes ``COMMAND``.

``client.cli.parser`` finds them: a new command is a new module here, and nothing else names it.
"""
