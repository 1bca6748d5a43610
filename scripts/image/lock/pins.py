"""The lock's pins, and the packages it leaves out on purpose (its header says why)."""

from __future__ import annotations

import re

from scripts.image.failure import CheckFailed
from scripts.image.paths import ROOT

LOCK = ROOT / "agent" / "requirements.txt"
IMAGE_PYTHON = "3.13"
"""The image's CPython, as its base image's tag says: every wheel and hash of the lock is for it."""
PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)")
HASH_OPTION = re.compile(r"\s+--hash=\S+")
"""A wheel's hash on its pin's line; the hashes cover CPython 3.13 only, and a host's venv may be another Python."""

LEFT_OUT: dict[str, tuple[str, ...]] = {
    # distribution (normalised name) -> the modules (and their submodules) it installs
    "aiohappyeyeballs": ("aiohappyeyeballs",),
    "aiohttp": ("aiohttp",),
    "aiosignal": ("aiosignal",),
    "aws-requests-auth": ("aws_requests_auth",),
    "beautifulsoup4": ("bs4",),
    "dill": ("dill",),
    "frozenlist": ("frozenlist",),
    "markdownify": ("markdownify",),
    "multidict": ("multidict",),
    "pillow": ("PIL",),
    "prompt-toolkit": ("prompt_toolkit",),
    "propcache": ("propcache",),
    "slack-bolt": ("slack_bolt",),
    "slack-sdk": ("slack_sdk", "slack"),
    "soupsieve": ("soupsieve",),
    "tenacity": ("tenacity",),
    "wcwidth": ("wcwidth",),
    "yarl": ("yarl",),
    "opentelemetry-instrumentation-aio-pika": ("opentelemetry.instrumentation.aio_pika",),
    "opentelemetry-instrumentation-aiohttp-client": ("opentelemetry.instrumentation.aiohttp_client",),
    "opentelemetry-instrumentation-aiokafka": ("opentelemetry.instrumentation.aiokafka",),
    "opentelemetry-instrumentation-aiopg": ("opentelemetry.instrumentation.aiopg",),
    "opentelemetry-instrumentation-asyncpg": ("opentelemetry.instrumentation.asyncpg",),
    "opentelemetry-instrumentation-cassandra": ("opentelemetry.instrumentation.cassandra",),
    "opentelemetry-instrumentation-celery": ("opentelemetry.instrumentation.celery",),
    "opentelemetry-instrumentation-confluent-kafka": ("opentelemetry.instrumentation.confluent_kafka",),
    "opentelemetry-instrumentation-django": ("opentelemetry.instrumentation.django",),
    "opentelemetry-instrumentation-falcon": ("opentelemetry.instrumentation.falcon",),
    "opentelemetry-instrumentation-fastapi": ("opentelemetry.instrumentation.fastapi",),
    "opentelemetry-instrumentation-flask": ("opentelemetry.instrumentation.flask",),
    "opentelemetry-instrumentation-jinja2": ("opentelemetry.instrumentation.jinja2",),
    "opentelemetry-instrumentation-kafka-python": ("opentelemetry.instrumentation.kafka",),
    "opentelemetry-instrumentation-mysql": ("opentelemetry.instrumentation.mysql",),
    "opentelemetry-instrumentation-mysqlclient": ("opentelemetry.instrumentation.mysqlclient",),
    "opentelemetry-instrumentation-pika": ("opentelemetry.instrumentation.pika",),
    "opentelemetry-instrumentation-psycopg2": ("opentelemetry.instrumentation.psycopg2",),
    "opentelemetry-instrumentation-pymemcache": ("opentelemetry.instrumentation.pymemcache",),
    "opentelemetry-instrumentation-pymongo": ("opentelemetry.instrumentation.pymongo",),
    "opentelemetry-instrumentation-pymysql": ("opentelemetry.instrumentation.pymysql",),
    "opentelemetry-instrumentation-pyramid": ("opentelemetry.instrumentation.pyramid",),
    "opentelemetry-instrumentation-redis": ("opentelemetry.instrumentation.redis",),
    "opentelemetry-instrumentation-remoulade": ("opentelemetry.instrumentation.remoulade",),
    "opentelemetry-instrumentation-sqlalchemy": ("opentelemetry.instrumentation.sqlalchemy",),
    "opentelemetry-instrumentation-tornado": ("opentelemetry.instrumentation.tornado",),
    "opentelemetry-instrumentation-tortoiseorm": ("opentelemetry.instrumentation.tortoiseorm",),
}
"""Packages the full dependency closure has and the lock deliberately omits; see the lock's header for why."""


def normalise(name: str) -> str:
    """A distribution's name as PEP 503 compares it: pip, the lock and wheel file names each spell names their way."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned() -> dict[str, str]:
    """The lock's ``name -> version`` pairs.

    Returns:
        Each pinned distribution's normalised name and its version.

    Raises:
        CheckFailed: a line is not an exact ``name==version`` pin (the image would not be reproducible), or the lock
            pins a package that ``LEFT_OUT`` says it omits (the two would disagree about the image).
    """
    pins: dict[str, str] = {}
    for number, raw in enumerate(LOCK.read_text(encoding="utf-8").splitlines(), start=1):
        line = HASH_OPTION.sub("", raw.split("#", 1)[0]).strip()
        if not line:
            continue
        match = PIN.fullmatch(line)
        if not match:
            raise CheckFailed(f"{LOCK.relative_to(ROOT)}:{number}: {line!r} is not an exact name==version pin")
        pins[normalise(match.group(1))] = match.group(2)
    kept = sorted(set(pins) & set(LEFT_OUT))
    if kept:
        raise CheckFailed(f"the lock pins {', '.join(kept)}, which LEFT_OUT in {__name__} says are omitted")
    return pins


def plain_pins() -> str:
    """The lock without its hashes, as a venv on a Python other than the image's can install it."""
    return HASH_OPTION.sub("", LOCK.read_text(encoding="utf-8"))
