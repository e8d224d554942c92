"""Token buckets in PostgreSQL, shared by every process and replica.

They brake brute force and flooding on the public routes (filing, receipt login, retaliation
reports, and every write a resident makes). One statement on the hot path takes a token: an
INSERT that meets the client's bucket, refills it for the time elapsed, and takes one token if a
whole one is there, all under the row's lock, so concurrent requests from several processes count
exactly once each. A deploy keeps the buckets (a crash of the database forgives everyone: the
table is unlogged).

Clients are keyed by address: an IPv4 address, or the /64 network of an IPv6 address (one
subscriber usually holds a whole /64, so keying by the full address would give them 2^64
buckets). The table holds a keyed hash of the key, never an address or an account. Behind a
reverse proxy the address is the proxy's unless the server trusts it (`OMBUDS_TRUSTED_PROXIES`,
checked at start: app/config.py).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from fastapi import Depends, Request
from psycopg_pool import AsyncConnectionPool
from sqlmodel import SQLModel

from app.config import Settings
from app.kit.columns import column, key, moment
from app.kit.errors import TooManyRequests
from app.kit.principals import Principal
from app.kit.sql import Conn, compose


class RateBucket(SQLModel, table=True):
    """One client's bucket for one limit (migration 0029: unlogged, fill factor 50)."""

    __tablename__ = "rate_buckets"

    scope: str = key()
    key: str = key()
    tokens: float = column(sa.Double)
    allowed: bool = column(sa.Boolean)
    at: Any = moment()


@dataclass(frozen=True)
class Limit:
    """`per_minute` requests a minute for one client, with bursts up to the same number."""

    scope: str
    per_minute: int

    @property
    def rate(self) -> float:
        return self.per_minute / 60.0  # tokens per second


# The bucket after refilling for the time since it was last touched (statement time: `now()` is
# the same in every part of the statement). Composed once into text: the statement runs on every
# public request, and psycopg prepares it by its text.
_REFILLED = (
    "LEAST(%(capacity)s, b.tokens + %(rate)s * GREATEST(0, EXTRACT(EPOCH FROM now() - b.at)))"
)
TAKE = compose(
    """
INSERT INTO rate_buckets AS b (scope, key, tokens, allowed, at)
VALUES (%(scope)s, %(key)s, %(capacity)s - 1, true, now())
ON CONFLICT (scope, key) DO UPDATE SET
    tokens = {refilled} - CASE WHEN {refilled} >= 1 THEN 1 ELSE 0 END,
    allowed = {refilled} >= 1,
    at = now()
RETURNING allowed, tokens
""",
    refilled=_REFILLED,
)

# Buckets untouched for longer than a full refill hold nothing worth keeping (the worker drops
# them; a bucket refills completely within a minute).
FORGET = "DELETE FROM rate_buckets WHERE at < now() - interval '10 minutes'"


async def take(conn: Conn, limit: Limit, client: str) -> None:
    """Take a token from `client`'s bucket, or raise 429 with the seconds until one is back."""
    if limit.per_minute <= 0:
        return
    cur = await conn.execute(
        TAKE,
        {"scope": limit.scope, "key": client, "capacity": limit.per_minute, "rate": limit.rate},
    )
    row = await cur.fetchone()
    assert row is not None  # an upsert always returns its row
    if not row["allowed"]:
        raise TooManyRequests(max(1, math.ceil((1.0 - row["tokens"]) / limit.rate)))


async def forget_idle(conn: Conn) -> int:
    cur = await conn.execute(FORGET)
    return cur.rowcount


async def check(request: Request, limit: Limit, client: str | None = None) -> None:
    """Take a token on a connection of its own, committed at once: a request that then fails
    (a wrong receipt, a refused body) has still spent it."""
    if limit.per_minute <= 0:
        return
    settings = request.app.state.settings
    pool: AsyncConnectionPool[Conn] = request.app.state.pool
    async with pool.connection() as conn:
        await take(conn, limit, bucket_key(settings, client or client_key(request)))


def bucket_key(settings: Settings, client: str) -> str:
    """What the table holds for a client: a keyed hash of its address or account, never either
    (a bucket outlives nothing, but the table must not become a record of who wrote when; an
    erased case's account, or a reporter's on the confidential track, shows nowhere)."""
    secret = settings.receipt_key.get_secret_value().encode()
    return hmac.new(secret, b"rate-limit\x00" + client.encode(), hashlib.sha256).hexdigest()[:32]


def client_key(request: Request) -> str:
    """The client's address as a bucket key: IPv4 as is, IPv6 by its /64 network."""
    host = request.client.host if request.client else ""
    return address_key(host)


def address_key(host: str) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host or "unknown"  # a Unix socket or a test client: one bucket per name
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def limited(scope: str) -> Any:
    """A route dependency that takes a token from the client's bucket for `scope` (its rate from
    the settings `rate_limit_<scope>_per_minute`), before the route opens its transaction."""

    async def dependency(request: Request) -> None:
        settings = request.app.state.settings
        await check(request, Limit(scope, getattr(settings, f"rate_limit_{scope}_per_minute")))

    return Depends(dependency)


async def resident_writes(request: Request, principal: Principal) -> None:
    """Every write a complainant or resident makes (app.kit.access calls this through
    `app.state.public_writes`): by actor, so a receipt holder cannot flood their own case from many
    addresses; uploads have their own, smaller budget on top."""
    settings = request.app.state.settings
    actor = f"actor:{principal.subject}"
    await check(request, Limit("writes", settings.rate_limit_writes_per_minute), actor)
    if request.url.path.endswith("/attachments"):
        await resident_uploads(request, principal)


async def resident_uploads(request: Request, principal: Principal) -> None:
    """A complainant's or resident's file: the uploads budget, per actor (the pages call this for
    each file a form carries; the API's upload route gets it through the gate)."""
    settings = request.app.state.settings
    actor = f"actor:{principal.subject}"
    await check(request, Limit("uploads", settings.rate_limit_uploads_per_minute), actor)
