"""The token issuer as the agent knows it: its discovery document, and the public keys it signs tokens with.

Both are fetched on the first request that needs them and kept, so a token costs no network call once the keys are
known. A token signed with a key the agent has not seen (the provider rotated its keys) makes it fetch the JWKS once
more, at most once per ``REFETCH_INTERVAL_SECONDS``, so that tokens with made-up key ids cannot turn the agent into a
flood of requests to the provider. Keys older than ``MAX_AGE_SECONDS`` are fetched again; if that fails they are kept
(a provider outage must not lock every user out), but a provider never reached means no request is served:
``IssuerUnavailable``, answered 503, never an open door.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx

from contract.auth import secure_url_problem

logger = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 5.0
REFETCH_INTERVAL_SECONDS = 30.0
"""Shortest time between two fetches of the JWKS for a key id the agent has not seen."""
MAX_AGE_SECONDS = 3600.0
"""Keys are fetched again once they are this old, so a key the provider withdrew is dropped within the hour."""
MAX_DOCUMENT_BYTES = 1024 * 1024
"""Largest discovery document or JWKS read; a provider's are a few KiB."""


class IssuerUnavailable(Exception):
    """The discovery document or the JWKS could not be fetched: no token can be checked."""


@dataclass(frozen=True)
class _Keys:
    by_id: dict[str | None, dict[str, Any]]
    fetched_at: float


class Issuer:
    """The provider behind ``discovery_url``: its ``issuer`` and its signing keys, by key id.

    Args:
        discovery_url: the OpenID Connect discovery URL (``https``, or ``http`` on a loopback host).
    """

    def __init__(self, discovery_url: str) -> None:
        self.discovery_url = discovery_url
        self._issuer: str | None = None
        self._jwks_uri: str | None = None
        self._keys: _Keys | None = None
        self._refetched_at: float | None = None
        self._lock: asyncio.Lock | None = None

    async def issuer(self) -> str:
        """The ``issuer`` the discovery document names, the only ``iss`` a token may carry.

        Raises:
            IssuerUnavailable: the discovery document could not be fetched or is not one.
        """
        await self._discover()
        assert self._issuer is not None  # noqa: S101 - _discover sets it or raises
        return self._issuer

    async def key(self, key_id: str | None) -> dict[str, Any] | None:
        """The JWK with ``key_id`` (the only key, for a token that names none), or None when the issuer has none.

        Raises:
            IssuerUnavailable: the keys could not be fetched, and none are known.
        """
        keys = await self._current_keys()
        found = _lookup(keys, key_id)
        if found is not None or not self._may_refetch():
            return found
        self._refetched_at = time.monotonic()
        logger.info("kid=<%s> | signing key not known, fetching the issuer's keys again", key_id)
        return _lookup(await self._fetch_keys(), key_id)

    def _may_refetch(self) -> bool:
        return self._refetched_at is None or time.monotonic() - self._refetched_at >= REFETCH_INTERVAL_SECONDS

    async def _current_keys(self) -> _Keys:
        keys = self._keys
        if keys is not None and time.monotonic() - keys.fetched_at < MAX_AGE_SECONDS:
            return keys
        try:
            return await self._fetch_keys()
        except IssuerUnavailable:
            if keys is None:
                raise
            age = time.monotonic() - keys.fetched_at
            logger.warning("jwks_age_s=<%.0f> | issuer's keys could not be fetched again, keeping the known ones", age)
            return keys

    async def _discover(self) -> None:
        if self._issuer is not None:
            return
        async with self._guard():
            if self._issuer is not None:
                return
            document = await _fetch_json(self.discovery_url, "discovery document")
            issuer, jwks_uri = document.get("issuer"), document.get("jwks_uri")
            if not isinstance(issuer, str) or not issuer or not isinstance(jwks_uri, str):
                raise IssuerUnavailable(f"the discovery document at {self.discovery_url} names no issuer or jwks_uri")
            problem = secure_url_problem(jwks_uri, loopback_http=True)
            if problem:
                raise IssuerUnavailable(f"the discovery document's jwks_uri: {problem}")
            self._jwks_uri, self._issuer = jwks_uri, issuer

    async def _fetch_keys(self) -> _Keys:
        await self._discover()
        started = time.monotonic()
        async with self._guard():
            if self._keys is not None and self._keys.fetched_at >= started:
                return self._keys  # another request fetched them while this one waited
            assert self._jwks_uri is not None  # noqa: S101 - _discover sets it or raises
            document = await _fetch_json(self._jwks_uri, "JWKS")
            keys = document.get("keys")
            if not isinstance(keys, list):
                raise IssuerUnavailable(f"the JWKS at {self._jwks_uri} holds no keys")
            by_id = {key.get("kid"): key for key in keys if isinstance(key, dict)}
            self._keys = _Keys(by_id, time.monotonic())
            logger.info("keys=<%d> | issuer's signing keys fetched", len(by_id))
            return self._keys

    def _guard(self) -> asyncio.Lock:
        # Created on first use, inside the server's event loop: one fetch at a time, however many requests wait.
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock


def _lookup(keys: _Keys, key_id: str | None) -> dict[str, Any] | None:
    if key_id is None:
        return next(iter(keys.by_id.values())) if len(keys.by_id) == 1 else None
    return keys.by_id.get(key_id)


async def _fetch_json(url: str, what: str) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=False) as client:
            response = await client.get(url, headers={"Accept": "application/json"})
    except httpx.HTTPError as error:
        raise IssuerUnavailable(f"the {what} at {url} could not be fetched ({type(error).__name__}: {error})") from None
    if response.status_code != 200:
        raise IssuerUnavailable(f"the {what} at {url} answered HTTP {response.status_code}")
    if len(response.content) > MAX_DOCUMENT_BYTES:
        raise IssuerUnavailable(f"the {what} at {url} is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        document = response.json()
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise IssuerUnavailable(f"the {what} at {url} is not a JSON object")
    return document
