"""A token bucket per client address, in the process's memory.

It brakes brute force on the public routes (intake, receipt login) without a database round trip
on the filing path. Each worker process keeps its own buckets, so with N workers a client gets up
to N times the rate: enough against guessing (receipts have 160 bits) and against flooding from
one address. Deployments behind a proxy must pass the client address (FORWARDED_ALLOW_IPS).
"""

from __future__ import annotations

import math
import time

from fastapi import Request

from app.kit.errors import TooManyRequests

_MAX_KEYS = 100_000


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self.buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def check(self, key: str, now: float | None = None) -> None:
        """Take a token for `key`, or raise 429 with the seconds until one is back."""
        if self.capacity <= 0:
            return
        now = time.monotonic() if now is None else now
        tokens, at = self.buckets.get(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - at) * self.rate)
        if tokens < 1.0:
            self.buckets[key] = (tokens, now)
            raise TooManyRequests(max(1, math.ceil((1.0 - tokens) / self.rate)))
        if len(self.buckets) >= _MAX_KEYS:
            self._forget_full(now)
        self.buckets[key] = (tokens - 1.0, now)

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled completely: they carry no state worth keeping."""
        refill = self.capacity / self.rate
        self.buckets = {k: v for k, v in self.buckets.items() if now - v[1] < refill}


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"
