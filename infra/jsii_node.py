"""Keep jsii's Node support banner off every ``cdk synth``, ``deploy`` and ``destroy``.

``aws_cdk`` runs its code in a Node process that jsii starts on the first import; when that Node's major version is
past jsii's support window, or not yet tested, jsii prints a 12-line banner (as Python byte strings) on every run.
Node 20 and newer run this app: the banner tells a user nothing they must act on, and buries what the command said.
jsii reads three variables, each once, when it starts Node, so they are set before ``aws_cdk`` is first imported.
The end-of-life one silences only the major versions it lists.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import MutableMapping

DEPRECATED = "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION"
UNTESTED = "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION"
END_OF_LIFE = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"
"""A comma-separated list of Node major versions, e.g. ``20``; jsii ignores any other value."""


def quiet_node_warnings(environ: MutableMapping[str, str] | None = None) -> None:
    """Silence jsii's Node banners for the Node on ``PATH``, unless the environment already says otherwise."""
    environ = os.environ if environ is None else environ
    environ.setdefault(DEPRECATED, "1")
    environ.setdefault(UNTESTED, "1")
    if END_OF_LIFE not in environ:
        major = node_major_version()
        if major:
            environ[END_OF_LIFE] = major


def node_major_version() -> str | None:
    """``20`` for Node v20.20.2: the Node jsii will start (the one on ``PATH``), or None without one."""
    try:
        version = subprocess.run(
            ["node", "--version"],  # noqa: S607 - jsii itself starts the node on PATH
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    major = version.strip().removeprefix("v").split(".")[0]
    return major if major.isdigit() else None
