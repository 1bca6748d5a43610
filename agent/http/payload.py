"""Validation of what a caller sends to ``POST /invocations``.

Every rejection says what was wrong and what to send instead, because the caller is usually a developer at a
terminal reading the raw response body.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from contract.stream import EVENTS_MODE, STREAM_MODES, TEXT_MODE

MAX_INTEGER_DIGITS = 100
"""Longest integer literal a request body may hold; no field of a request is a number that large."""
_SURROGATE = re.compile("[\ud800-\udfff]")
EXAMPLE_PAYLOAD = {"prompt": "What time is it in Tokyo?"}
HINT = (
    'Send a JSON object with a non-empty string "prompt", for example '
    f'{json.dumps(EXAMPLE_PAYLOAD)}; add "stream": {json.dumps(EVENTS_MODE)} for typed events instead of text.'
)


class BadRequest(Exception):
    """The request cannot be served as sent; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def body(self) -> dict[str, Any]:
        """The JSON error body: what went wrong, and what a valid request looks like."""
        return {"error": self.message, "hint": HINT, "example": EXAMPLE_PAYLOAD}


@dataclass(frozen=True)
class Invocation:
    """A validated request: the prompt and the stream format the caller asked for."""

    prompt: str
    stream: str = TEXT_MODE


def decode_body(raw: bytes) -> Any:
    """Decode a request body as JSON text that is valid Unicode, saying where it is not.

    Stricter than ``json.loads(bytes)``, which accepts UTF-16 and CESU-8 (surrogates encoded as UTF-8) and lets
    escaped lone surrogates (U+D800 to U+DFFF) through: such text cannot be sent to the model or written back as
    UTF-8, so it would break the conversation later instead of being refused now.

    Raises:
        BadRequest: the body is not UTF-8 JSON holding valid Unicode, or holds an integer of absurd length.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"request body is not UTF-8 text (invalid byte at position {error.start})") from None
    try:
        value = json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as error:
        raise BadRequest(f"request body is not valid JSON ({error.msg} at position {error.pos})") from None
    except RecursionError:
        raise BadRequest("request body is nested too deeply to be a request") from None
    _refuse_lone_surrogates(value)
    return value


def _integer(digits: str) -> int:
    # Python refuses to convert longer digit strings (a ValueError deep inside the decoder); no field needs them.
    count = len(digits.lstrip("-"))
    if count > MAX_INTEGER_DIGITS:
        raise BadRequest(f"request body holds a number with {count} digits; the limit is {MAX_INTEGER_DIGITS}")
    return int(digits)


def _refuse_lone_surrogates(value: Any) -> None:
    """Refuse text holding a UTF-16 surrogate that is not part of a pair (only a JSON escape can produce one)."""
    pending = [value]
    while pending:  # iterative: the decoder has already allowed as much nesting as the stack can take
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and (surrogate := _SURROGATE.search(item)):
            raise BadRequest(
                f"request body holds a lone UTF-16 surrogate (U+{ord(surrogate.group()):04X}) in a string; "
                "text must be valid Unicode"
            )


def parse_invocation(payload: Any, max_prompt_chars: int) -> Invocation:
    """Turn a decoded JSON payload into an ``Invocation``.

    Raises:
        BadRequest: the payload is not a usable invocation; the message says what to fix.
    """
    if not isinstance(payload, dict):
        raise BadRequest(f"request body must be a JSON object, not a JSON {_json_type(payload)}")
    if "prompt" not in payload:
        raise BadRequest('request body has no "prompt" field')
    prompt = payload["prompt"]
    if not isinstance(prompt, str):
        raise BadRequest(f'"prompt" must be a string, not a JSON {_json_type(prompt)}')
    if not prompt.strip():
        raise BadRequest('"prompt" is empty')
    if len(prompt) > max_prompt_chars:
        raise BadRequest(
            f'"prompt" has {len(prompt)} characters; the limit is {max_prompt_chars} (MAX_PROMPT_CHARS)', status=413
        )
    stream = payload.get("stream", TEXT_MODE)
    if stream not in STREAM_MODES:
        allowed = " or ".join(json.dumps(mode) for mode in STREAM_MODES)
        raise BadRequest(f'"stream" must be {allowed}, not {json.dumps(stream)}')
    return Invocation(prompt=prompt, stream=stream)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
