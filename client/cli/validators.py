"""Argument types for argparse: a value AgentCore (or the command) would refuse is a usage error, exit 2, at once.

Each checks with the rule the rest of the client applies (session ids, actor ids, durations), so the command line
refuses exactly what a call would, before anything is sent; argparse prints the message after the usage.
"""

from __future__ import annotations

import argparse
import re
from datetime import timedelta

from client.errors import ConfigurationError
from client.invocation import check_session_id
from client.operations import parse_since
from contract.agentcore import actor_id_problem, endpoint_name_problem


def session_id(value: str) -> str:
    """A runtime session id AgentCore accepts (``client.invocation.session_ids``)."""
    try:
        return check_session_id(value)
    except ConfigurationError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def duration(value: str) -> timedelta:
    """A duration as ``logs --since`` takes it: ``30s``, ``10m``, ``2h``, ``1d``."""
    try:
        return parse_since(value)
    except ConfigurationError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def actor_id(value: str) -> str:
    """An actor id AgentCore Memory accepts."""
    problem = actor_id_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def endpoint_name(value: str) -> str:
    """A runtime endpoint's name, as AgentCore names endpoints (``DEFAULT``, or a named one such as ``live``)."""
    problem = endpoint_name_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def positive_count(value: str) -> int:
    """A whole number of at least 1."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def positive_seconds(value: str) -> float:
    """A number of seconds above 0: a timeout of 0 would give up before the first byte."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be more than 0 seconds")
    return seconds


_TRACE_ID = re.compile(r"(?:1-)?([0-9a-fA-F]{8})-?([0-9a-fA-F]{24})")


def trace_id(value: str) -> str:
    """A trace id as Transaction Search stores it (32 hex digits); X-Ray's ``1-xxxxxxxx-xxx…`` form is taken too."""
    match = _TRACE_ID.fullmatch(value.strip())
    if match is None:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a trace id: 32 hexadecimal digits, or X-Ray's 1-XXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXX"
        )
    return "".join(match.groups()).lower()
