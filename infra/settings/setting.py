"""One deployment setting: where it is read from, how its text becomes a value, what is refused, and its docs line.

The settings are the fields of ``DeploymentSettings`` (``infra/settings/deployment.py``), each declared with
``setting(...)``: that class is the one table of them, which synth, the preflight, ``make local``, ``make destroy``
and the docs' table all read. Adding a setting is adding one field.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from contract import endpoints

Parse = Callable[[str, object], object]
"""``(context key, value from cdk.json, -c or a variable) -> value``; raises ``ConfigurationError`` with the fix."""
Check = Callable[[Any], str | None]
"""What is wrong with a value and how to fix it, or None when AgentCore and CloudFormation will take it."""


class ConfigurationError(ValueError):
    """A setting AgentCore or CloudFormation would refuse; the message says how to fix it."""


def text(_context_key: str, value: object) -> str:
    """A setting that is text, as given."""
    return str(value)


def json_object(context_key: str, value: object) -> Mapping[str, str]:
    """A JSON object setting, from cdk.json (already an object) or from ``-c``/a variable (JSON text)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            value = None
    if not isinstance(value, dict):
        raise ConfigurationError(
            f"{context_key} must be a JSON object of names to strings. Fix: in cdk.json's context, "
            f'"{context_key}": {{"NAME": "value"}}, or -c \'{context_key}={{"NAME": "value"}}\'.'
        )
    return value


def whole_number(_context_key: str, value: object) -> int | object:
    """``"10"`` becomes 10; anything else is handed on unchanged, for the setting's check to refuse with the fix."""
    return _converted(int, value)


def comma_separated(_context_key: str, value: object) -> tuple[str, ...]:
    """``a,b`` (or, from cdk.json, a list) as its items, stripped, blanks dropped: names, or ids (``subnet-...``)."""
    items = value if isinstance(value, list) else str(value).split(",")
    return tuple(str(item).strip() for item in items if str(item).strip())


def flag(context_key: str, value: object) -> bool:
    """``true``/``false`` (or ``1``/``0``, ``yes``/``no``, ``on``/``off``)."""
    answer = str(value).strip().lower()
    if answer in {"true", "1", "yes", "on"}:
        return True
    if answer in {"false", "0", "no", "off"}:
        return False
    raise ConfigurationError(
        f"{context_key}={value!r} is not true or false. Fix: `-c {context_key}=false` or `-c {context_key}=true`."
    )


def number(_context_key: str, value: object) -> float | object:
    """``"2.5"`` becomes 2.5; anything else is handed on unchanged, for the setting's check to refuse with the fix."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return _converted(float, value)


def _converted(convert: Callable[[str], object], value: object) -> object:
    """Leave a value the number parsers cannot read as it is: the setting's check then says what it should be."""
    try:
        return convert(str(value).strip())
    except ValueError:
        return value


def endpoint_versions(context_key: str, value: object) -> Mapping[str, str]:
    """``live:3,canary:latest`` (``contract.endpoints``), or the same as a JSON object in cdk.json."""
    text = endpoints.spec(value) if isinstance(value, dict) else str(value)
    try:
        return endpoints.parse(text)
    except ValueError as error:
        raise ConfigurationError(
            f"{context_key}: {error}. Fix: `-c {context_key}={endpoints.EXAMPLE}` (a name, then a version number or "
            f"{endpoints.LATEST}; `python -m client versions` lists the versions)."
        ) from None


def days(context_key: str, value: object) -> int:
    """A whole number of days."""
    try:
        return int(str(value))
    except ValueError:
        raise ConfigurationError(
            f"{context_key}={value!r} is not a whole number of days. Fix: `-c {context_key}=30`."
        ) from None


@dataclass(frozen=True)
class Setting:
    """Where one setting comes from and what it takes.

    Attributes:
        context_key: Its CDK context key: ``-c key=value``, or ``cdk.json``'s ``context``. Read first.
        variables: The environment variables read after the context, in order.
        doc: What it sets, in one line, for the docs' table.
        parse: How a value from the context or a variable becomes the setting's value.
        check: What AgentCore or CloudFormation would refuse, with the fix; run on every value, default included.
        form: How a value is written, when it is not plain text (``JSON object``, ``true``/``false``).
        default_doc: The default as the docs say it, when its value does not say it (``the agent's own``).
        cli_variable: A variable the CDK CLI sets for the app itself, read last; not a way to set it, so undocumented.
    """

    context_key: str
    variables: tuple[str, ...]
    doc: str
    parse: Parse = text
    check: Check | None = None
    form: str = ""
    default_doc: str = ""
    cli_variable: str = ""

    def read(self, context: object, environ: Mapping[str, str]) -> object | None:
        """The raw value: the context's, else the first variable set (and not empty); None when neither is."""
        value = context.try_get_context(self.context_key)  # type: ignore[attr-defined]
        if value is not None:
            return value
        variables = (*self.variables, self.cli_variable) if self.cli_variable else self.variables
        return next((environ[name] for name in variables if environ.get(name)), None)


VARIABLE_PREFIX = "AGENTCORE_"
"""A setting's environment variable is this and its context key in upper snake case (``imageBuild``:
``AGENTCORE_IMAGE_BUILD``), unless its entry names others (``modelId``: ``MODEL_ID``, the variable the agent reads)."""


def variable_for(context_key: str) -> str:
    """The environment variable a setting is read from by convention."""
    return VARIABLE_PREFIX + re.sub(r"(?<!^)(?=[A-Z])", "_", context_key).upper()


def setting(
    default: Any = None,
    *,
    context_key: str,
    variables: tuple[str, ...] | None = None,
    default_factory: Callable[[], Any] | None = None,
    **entry: Any,
) -> Any:
    """A ``DeploymentSettings`` field that is a setting: its default, and its ``Setting`` entry's fields.

    Args:
        default: Its value when nothing sets it.
        context_key: Its CDK context key.
        variables: Its environment variables, in order; by default the one ``variable_for`` names.
        default_factory: Makes its default, for a mutable one.
        **entry: The rest of its ``Setting`` entry.
    """
    names = (variable_for(context_key),) if variables is None else variables
    metadata = {"setting": Setting(context_key=context_key, variables=names, **entry)}
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)
