"""The ``calculator`` tool: ``strands_tools.calculator``'s spec offered at once, its calculations in worker processes.

- ``tool``: the tool the model is offered, with the real tool's recorded spec (``spec.json``) and its maxima.
- ``pool``: the worker processes: one kept warm, a fresh one per call beyond it, killed on overrun, hang-up and
  shutdown.
- ``process``: one worker process, and the thread that starts it and does its I/O.
- ``worker``: the worker process itself, which imports sympy and computes under CPU, memory and result limits.

Nothing is imported here: ``python -m agent`` imports ``pool`` before any framework, and each worker process imports
``worker``, so neither may pay for the tool's Strands imports.
"""
