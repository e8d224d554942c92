"""The signing keys of an OpenID Connect provider (its JWKS), fetched with httpx and cached.

Fetches are bounded (timeout, size); an unknown `kid` triggers at most one refetch per interval,
so a stream of forged tokens cannot turn the service into a client hammering the provider.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import httpx

log = logging.getLogger("ombuds.jwks")


class JwksError(Exception):
    pass


class JwksCache:
    def __init__(
        self,
        url: str,
        *,
        ttl_seconds: float,
        timeout_seconds: float,
        max_bytes: int,
        refetch_interval_seconds: float,
    ) -> None:
        self.url = url
        self.ttl = ttl_seconds
        self.timeout = timeout_seconds
        self.max_bytes = max_bytes
        self.refetch_interval = refetch_interval_seconds
        self.keys: dict[str, dict[str, Any]] = {}
        self.fetched_at = float("-inf")
        self.last_refetch = float("-inf")
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> dict[str, Any] | None:
        """The JWK for `kid`, or None when the provider does not publish it."""
        now = time.monotonic()
        if now - self.fetched_at > self.ttl:
            await self._refresh()
        if kid not in self.keys and time.monotonic() - self.last_refetch >= self.refetch_interval:
            self.last_refetch = time.monotonic()
            await self._refresh()  # perhaps the provider rotated its keys
        return self.keys.get(kid)

    async def _refresh(self) -> None:
        async with self._lock:
            try:
                self.keys = await self._fetch()
                self.fetched_at = time.monotonic()
            except (httpx.HTTPError, JwksError, ValueError) as exc:
                # Keep the keys we have; a provider outage must not lock everyone out at once.
                log.warning("JWKS fetch failed: %s", type(exc).__name__)

    async def _fetch(self) -> dict[str, dict[str, Any]]:
        async with (
            httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as client,
            client.stream("GET", self.url, headers={"Accept": "application/json"}) as response,
        ):
            response.raise_for_status()
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise JwksError("the JWKS document is larger than allowed")
        document = json.loads(body)
        if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise JwksError("not a JWKS document")
        return {
            key["kid"]: key
            for key in document["keys"]
            if isinstance(key, dict)
            and key.get("kty") == "RSA"
            and isinstance(key.get("kid"), str)
            and key.get("use", "sig") == "sig"
        }
