"""The commands of ``python -m client``, one module each; every module here is a command.

``client.cli.parser`` finds them: a new command is a new module here, and nothing else names it. The module's name is
the command's (``_`` for ``-``); it defines ``run(args, out, err) -> int``, ``add_arguments(parser)`` when the command
has options of its own, and ``COMMAND``, the rest (``client.cli.command`` describes all of it).
"""
