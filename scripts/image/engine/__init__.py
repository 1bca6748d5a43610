"""A Docker engine on this machine, and the images ``make image-test`` builds with it.

- ``host``: what the machine needs first: Debian's packages, and QEMU's binfmt handler for linux/arm64.
- ``daemon``: the engine itself, the running one or a ``dockerd`` started and stopped here.
- ``docker_cli``: every ``docker`` command, its failure a ``CheckFailed``.
- ``standin``: the stand-in for the ``FROM`` image, which no reachable registry serves.
- ``build``: the unmodified ``Dockerfile`` built on the stand-in, for one architecture.
"""
