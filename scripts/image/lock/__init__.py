"""``agent/requirements.txt``, the image's lock: read, hashed, and proven without a Docker engine.

- ``pins``: the lock's exact pins, and the packages it leaves out on purpose.
- ``hashes``: rewrites each pin's wheel hashes from PyPI (``python -m scripts.image.lock.hashes``).
- ``wheels``, ``function``, ``consistency``: the three proofs of ``make check-image``, in that order; ``venv`` makes
  the throwaway environment the last two run in, and ``commands`` runs their commands.
"""
