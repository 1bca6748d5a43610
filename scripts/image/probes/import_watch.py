"""Records every attempt to import a module of a package the lock leaves out, in every process of the lock's venv.

``make check-image`` copies this file into its venv's site-packages, with a ``.pth`` file that imports it, so every
Python process started there loads it, the calculator's worker processes too. It watches the modules named in
``WATCH_VARIABLE`` (comma-separated; a module's submodules count) and writes each attempt, successful or not, to the
file named in ``LOG_VARIABLE`` the moment it is seen: a worker ends by SIGKILL, with no exit handlers. Without both
variables it does nothing.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # every process of the venv imports this module: it imports nothing more than it must
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec

WATCH_VARIABLE = "CHECK_IMAGE_WATCH"
LOG_VARIABLE = "CHECK_IMAGE_IMPORT_LOG"

_WATCH = frozenset(filter(None, os.environ.get(WATCH_VARIABLE, "").split(",")))
_LOG = os.environ.get(LOG_VARIABLE)
_SEEN: set[str] = set()


class _Watcher:
    """A meta path finder that finds nothing: it only notes the names asked for, and lets the real finders answer."""

    @staticmethod
    def find_spec(name: str, path: Sequence[str] | None = None, target: object = None) -> ModuleSpec | None:
        watched = any(name == prefix or name.startswith(prefix + ".") for prefix in _WATCH)
        if watched and name not in _SEEN:
            _SEEN.add(name)
            with open(_LOG, "a", encoding="utf-8") as log:
                log.write(name + "\n")
        return None


if _LOG and _WATCH:
    open(_LOG, "a", encoding="utf-8").close()  # the log exists once a process has the hook, even with nothing in it
    sys.meta_path.insert(0, _Watcher)
