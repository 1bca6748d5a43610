"""``python -m bench.calculator_server``: the ``calculator`` benchmark server, started as ``python -m agent`` starts.

The calculator's worker is started before anything else is imported, exactly as ``agent/__main__.py`` does, so that
the first calculation measures what production's first calculation pays.
"""

from agent.tools.calculator.pool import POOL

POOL.warm_up()

from bench.serve import main  # noqa: E402 (after the worker has started, as in agent/__main__.py)

main()
