"""The signing keys of an OpenID Connect provider (its JWKS), fetched with httpx and cached.

Fetches are bounded (one deadline for the whole fetch, a size cap) and go only where
`jwks_target` allows: https and a public address outside development, to the address checked
(`app.kit.outbound`). An unknown `kid` triggers at most one refetch per interval, so a stream of
forged tokens cannot turn the service into a client hammering the provider.

One fetch at a time: when the keys are due (expired, or an unknown `kid` may mean a rotation),
the first request starts the fetch and every request that needs it meanwhile waits for that same
fetch (a shared task), so a provider that hangs costs each of them one timeout, not one each in
turn. A failed fetch keeps the keys held (a provider outage must not lock everyone out at once)
and is not retried before a backoff that doubles with each failure in a row (1 s up to 60 s);
meanwhile requests go on with the keys held, or are refused at once when there are none.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from app.kit.outbound import Outbound, PinnedTransport, TargetRefused

log = logging.getLogger("ombuds.jwks")

BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0


class JwksError(Exception):
    pass


def jwks_target(environment: str, allow_private: bool = False) -> Outbound:
    """Outside development: https, and no special-purpose address unless the operator says the
    provider is on the city's own network (`OMBUDS_OIDC_ALLOW_PRIVATE`: a Keycloak in the same
    cluster); https even then."""
    development = environment == "development"
    return Outbound("JWKS", https_only=not development, allow_private=development or allow_private)


class JwksCache:
    def __init__(
        self,
        url: str,
        *,
        target: Outbound,
        ttl_seconds: float,
        timeout_seconds: float,
        max_bytes: int,
        refetch_interval_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.target = target
        self.ttl = ttl_seconds
        self.timeout = timeout_seconds
        self.max_bytes = max_bytes
        self.refetch_interval = refetch_interval_seconds
        self.clock = clock
        self.keys: dict[str, dict[str, Any]] = {}
        self.fetched_at = float("-inf")
        self.last_refetch = float("-inf")
        self.failures = 0  # failed fetches in a row
        self.retry_at = float("-inf")  # no fetch before this, after a failure
        self._flight: asyncio.Task[None] | None = None

    async def key(self, kid: str) -> dict[str, Any] | None:
        """The JWK for `kid`, or None when the provider does not publish it (or cannot be
        reached and the keys held do not have it)."""
        now = self.clock()
        if now - self.fetched_at > self.ttl:
            await self._refresh()
        elif kid not in self.keys and (
            # Perhaps the provider rotated its keys: a fetch under way may bring the key; else
            # one refetch per interval.
            self._flight is not None or now - self.last_refetch >= self.refetch_interval
        ):
            await self._refresh(unknown_kid=True)
        return self.keys.get(kid)

    async def _refresh(self, *, unknown_kid: bool = False) -> None:
        """Wait for the fetch under way, or start one unless backing off after a failure."""
        flight = self._flight
        if flight is None:
            now = self.clock()
            if now < self.retry_at:
                return  # the provider failed lately: the keys held are used meanwhile
            if unknown_kid:
                self.last_refetch = now
            flight = self._flight = asyncio.create_task(self._fetch_and_keep())
        # Shielded: a request that gives up (its client went away) leaves the fetch to the rest.
        await asyncio.shield(flight)

    async def _fetch_and_keep(self) -> None:
        try:
            keys = await self._fetch()
        except Exception as exc:
            self.failures += 1
            delay = min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** (self.failures - 1))
            self.retry_at = self.clock() + delay
            log.warning("JWKS fetch failed (%s); next try in %.0f s", _reason(exc), delay)
            if not isinstance(exc, httpx.HTTPError | JwksError | ValueError | TimeoutError):
                raise
        else:
            self.keys = keys
            self.fetched_at = self.clock()
            self.failures = 0
            self.retry_at = float("-inf")
        finally:
            self._flight = None

    async def _fetch(self) -> dict[str, dict[str, Any]]:
        self.target.check_url(self.url)  # checked when the settings loaded; checked again
        # One deadline for the whole fetch: httpx's timeout is per read, and a provider that
        # sends a byte now and then would hold every waiting request for as long as it likes.
        async with (
            asyncio.timeout(self.timeout),
            httpx.AsyncClient(
                transport=PinnedTransport(self.target),
                timeout=self.timeout,
                follow_redirects=False,
                trust_env=False,
            ) as client,
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


def _reason(exc: Exception) -> str:
    """A refusal says why (an address, no secret); other failures by their kind only."""
    return f"refused: {exc}" if isinstance(exc, TargetRefused) else type(exc).__name__
