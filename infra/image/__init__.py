"""The agent's linux/arm64 image: built in AWS CodeBuild at deploy time (the default), or by this machine's Docker.

- ``context``: the build context both modes build, the local (Docker asset) build, what a runtime needs of an image.
- ``remote``: ``RemoteImageBuild``, the CodeBuild build at deploy time.
- ``permissions``: every IAM statement of the build's role, one named entry each.
"""

from infra.image.context import IMAGE_CONTEXT_EXCLUDES, ContainerImage, context_hash, local_image
from infra.image.remote import RemoteImageBuild

__all__ = ["IMAGE_CONTEXT_EXCLUDES", "ContainerImage", "RemoteImageBuild", "context_hash", "local_image"]
