"""The container image, checked: its lock without a Docker engine, and the real image built and run.

- ``scripts.image.check_image`` (``make check-image``): the lock, ``agent/requirements.txt``, proven on this machine
  without Docker; the proofs are in ``scripts.image.lock``, which also rewrites the lock's hashes.
- ``scripts.image.image_test`` (``make image-test``): the real ``Dockerfile`` built for amd64 and arm64 on a stand-in
  of its base and checked as AgentCore runs it; ``scripts.image.engine`` gets a Docker engine and builds,
  ``scripts.image.checks`` checks the images and their containers.
- ``scripts.image.probes``: the programs those checks run inside the image or the lock's throwaway venv, each by that
  environment's own Python; nothing on this side imports them to run them.
- ``standin_base.sh`` and ``standin.Dockerfile``: the recipe of the stand-in base.

Both commands print one line per step and end with an ``OK`` line, or a ``FAILED`` line that says why, and exit 1.
"""
