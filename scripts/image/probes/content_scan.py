"""What the image holds, seen from inside as its user: test suites, build tools, the home, ``/app``, AWS models.

``scripts.image.checks.contents`` runs it in a fresh container. A client is built for every botocore service model
the image kept, so a model left broken by the Dockerfile's pruning fails here (no call is made). Prints one JSON
object: ``test_dirs``, ``compilers``, ``home``, ``home_ok``, ``app``, ``uid``, ``services``.
"""

from __future__ import annotations

import json
import os
import shutil
import sysconfig
from typing import Any

import botocore.session

BUILD_TOOLS = ("gcc", "cc", "c++", "make", "ld", "as")
PLACEHOLDER_KEYS = {"aws_access_key_id": "x", "aws_secret_access_key": "x"}
"""A client builds without calling AWS, so any keys do; none are in the container."""


def scan() -> dict[str, Any]:
    """The image's contents as the check judges them."""
    site = sysconfig.get_path("purelib")
    test_dirs = [os.path.join(top, d) for top, dirs, _ in os.walk(site) for d in dirs if d in ("tests", "test")]
    home = os.path.expanduser("~")
    session = botocore.session.get_session()
    services = sorted(session.get_available_services())
    for service in services:
        session.create_client(service, region_name="us-east-1", **PLACEHOLDER_KEYS)
    return {
        "test_dirs": test_dirs,
        "compilers": [tool for tool in BUILD_TOOLS if shutil.which(tool)],
        "home": home,
        "home_ok": os.path.isdir(home) and os.stat(home).st_uid == os.getuid(),
        "app": sorted(os.listdir("/app")),
        "uid": os.getuid(),
        "services": services,
    }


if __name__ == "__main__":
    print(json.dumps(scan()))
