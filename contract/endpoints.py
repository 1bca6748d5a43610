"""The named endpoints a deployment keeps besides ``DEFAULT``: the setting ``live:3,canary:latest``, both ways.

``make deploy CDK_ARGS="-c endpoints=live:3,canary:latest"`` gives the runtime an endpoint ``live`` serving version 3
and one ``canary`` following the latest version, as ``DEFAULT`` always does. The stack reads the setting with
``parse`` and hands it back in its ``Endpoints`` output; ``python -m client promote`` and ``rollback`` read that
output, change one entry and print the command that deploys it (``deploy_command``), so the stack stays the one
place that says which endpoint serves which version.
"""

from collections.abc import Mapping

from contract.agentcore import DEFAULT_ENDPOINT, RUNTIME_VERSION_PATTERN, endpoint_name_problem

CONTEXT_KEY = "endpoints"
"""The setting's CDK context key: ``-c endpoints=...`` or ``"endpoints"`` in ``cdk.json``'s context."""

LATEST = "latest"
"""The version of an endpoint that follows every new version of the runtime, as ``DEFAULT`` does."""

EXAMPLE = "live:3,canary:latest"

PREVIOUS_VERSION_TAG = "agentcore-runtime:cfn-previous-version"
"""The tag the stack's handler writes on an endpoint it moves: the version it served before, which ``rollback`` goes
back to. The handler, bundled on its own, keeps a copy in its ``properties`` module; a test holds the two equal."""


def parse(text: str) -> dict[str, str]:
    """The endpoints ``text`` names, each to a version (``"3"``) or ``LATEST``; empty text names none.

    Raises:
        ValueError: An entry AgentCore would refuse, or that says nothing clear; the message names it and the rule.
    """
    endpoints: dict[str, str] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        name, separator, version = (piece.strip() for piece in entry.partition(":"))
        if not separator or not version:
            raise ValueError(f"endpoint {entry!r} has no version: write name:version, e.g. {EXAMPLE}")
        problem = endpoint_name_problem(name)
        if problem:
            raise ValueError(problem)
        if name == DEFAULT_ENDPOINT:
            raise ValueError(f"{DEFAULT_ENDPOINT} always follows the latest version (AgentCore's own endpoint)")
        if name in endpoints:
            raise ValueError(f"endpoint {name!r} is named twice")
        if version != LATEST and not RUNTIME_VERSION_PATTERN.fullmatch(version):
            raise ValueError(f"endpoint {name!r}: version {version!r} is neither a number (1, 2, ...) nor {LATEST}")
        endpoints[name] = version
    return endpoints


def spec(endpoints: Mapping[str, str]) -> str:
    """The setting's text for ``endpoints``, in their order: ``live:3,canary:latest``."""
    return ",".join(f"{name}:{version}" for name, version in endpoints.items())


def deploy_command(endpoints: Mapping[str, str]) -> str:
    """The command that deploys the stack with exactly ``endpoints``."""
    return f'make deploy CDK_ARGS="-c {CONTEXT_KEY}={spec(endpoints)}"'
