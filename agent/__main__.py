"""``python -m agent``: serve the agent as the image runs it, the calculator's worker started before anything else.

The worker imports sympy and the calculator tool (about half a second) in a process of its own. Started here, before
this process imports the server's frameworks, the two imports run side by side on the microVM's two vCPUs, so the
worker is warm by the time ``/ping`` first answers and the first calculation pays no import; ``/ping`` does not wait
for it. ``--prepare`` and ``--help`` start no worker: they serve nothing.
"""

import sys

from agent.tools.calculator.pool import POOL

if not {"--prepare", "-h", "--help"}.intersection(sys.argv[1:]):
    POOL.warm_up()

from agent.server import main

main()
