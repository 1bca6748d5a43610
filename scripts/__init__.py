"""Maintenance programs run from the repository's root, never shipped in the image or the stack.

- ``scripts.image``: the container image's checks (``make check-image``, ``make image-test``) and the lock's hashes.
- ``record_calculator_spec.py``: records the calculator's tool spec after a pin of ``strands-agents-tools`` changes.
- ``cdk-app``: the CDK app as ``cdk.json`` runs it, inside ``.venv``.
"""
