"""Logins kept per stack on this machine, readable and writable by their user only.

``python -m client login`` writes one file per stack (``<cache>/agentcore-streaming-agent/logins/<stack>.json``,
where ``<cache>`` is ``$XDG_CACHE_HOME`` or ``~/.cache``), in a directory of mode 0700, the file itself created with
mode 0600 and moved into place whole, so no other account can read a token and no reader sees half a file. It holds
the tokens, and what a later ``invoke``, ``chat`` or ``web`` needs to use them without AWS credentials: the provider,
the app client and the runtime.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from client.auth.config import SignIn
from client.auth.tokens import TokenSet
from client.errors import ConfigurationError

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
_STACK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,127}")
"""CloudFormation's stack names: also safe as a file name."""


def cache_directory() -> Path:
    """Where logins are kept: ``$XDG_CACHE_HOME`` (else ``~/.cache``) ``/agentcore-streaming-agent/logins``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "agentcore-streaming-agent" / "logins"


@dataclass(frozen=True)
class Login:
    """One user signed in to one stack's provider, and what is needed to send their token to its runtime."""

    stack: str
    """The stack signed in to: one login per stack."""
    sign_in: SignIn
    """The provider and app client signed in with, and the runtime they are for."""
    tokens: TokenSet
    """The user's tokens, as last refreshed."""

    def to_json(self) -> dict[str, Any]:
        """As the cache file holds it."""
        return {"stack": self.stack, "sign_in": asdict(self.sign_in), "tokens": self.tokens.to_json()}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Login:
        """A login as the cache file holds it."""
        return cls(value["stack"], SignIn(**value["sign_in"]), TokenSet(**value["tokens"]))


class LoginCache:
    """The logins of this machine's user, one file per stack.

    Args:
        directory: where the files are (default: ``cache_directory()``).
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or cache_directory()

    def path(self, stack: str) -> Path:
        """The file of ``stack``'s login."""
        if not _STACK_NAME.fullmatch(stack):
            raise ConfigurationError(f"{stack!r} is not a stack name (letters, digits and hyphens)")
        return self.directory / f"{stack}.json"

    def load(self, stack: str) -> Login | None:
        """The login kept for ``stack``, or None."""
        path = self.path(stack)
        try:
            return Login.from_json(json.loads(path.read_text()))
        except FileNotFoundError:
            return None
        except (ValueError, TypeError, KeyError):
            raise ConfigurationError(
                f"the login kept in {path} cannot be read: run python -m client logout, then login again"
            ) from None

    def save(self, login: Login) -> Path:
        """Keep ``login``, replacing any earlier one of its stack; the file is its user's only (mode 0600)."""
        path = self.path(login.stack)
        self.directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
        os.chmod(self.directory, DIRECTORY_MODE)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(descriptor, "w") as file:
            json.dump(login.to_json(), file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
        return path

    def delete(self, stack: str) -> bool:
        """Forget ``stack``'s login; whether there was one."""
        try:
            self.path(stack).unlink()
        except FileNotFoundError:
            return False
        return True
