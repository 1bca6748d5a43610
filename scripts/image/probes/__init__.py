"""Programs run inside the image's containers or the lock's throwaway venv, by that environment's own Python.

Each is a file run by its path (``python /probes/process_scan.py`` in a container, where this folder is mounted
read-only; ``python .../smoke.py`` in the venv), so it imports only the standard library and what it examines
(``agent``, ``fakes``), never ``scripts``, and prints what it found as one JSON value on its last line of stdout for
the check that ran it to judge. ``import_watch`` is the exception: copied into the venv, every process there imports
it at start.
"""
