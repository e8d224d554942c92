"""Brute-force brakes on the public routes: 429 with Retry-After, per client address."""

from __future__ import annotations

from typing import Any

import httpx

from app.config import Settings
from app.kit.errors import TooManyRequests
from app.main import create_app
from app.ratelimit import RateLimiter
from tests.conftest import complaint_body


def test_bucket_refills_over_time() -> None:
    limiter = RateLimiter(per_minute=6)  # one token every 10 s
    for _ in range(6):
        limiter.check("a", now=100.0)
    try:
        limiter.check("a", now=100.0)
    except TooManyRequests as exc:
        assert exc.headers["Retry-After"] == "10"
    else:
        raise AssertionError("the seventh request went through")
    limiter.check("b", now=100.0)  # another address has its own bucket
    limiter.check("a", now=110.5)  # a token came back
    disabled = RateLimiter(per_minute=0)
    for _ in range(1000):
        disabled.check("a")


async def test_receipt_guessing_and_intake_flooding_are_braked(settings: Settings, db: Any) -> None:
    braked = settings.model_copy(
        update={"rate_limit_intake_per_minute": 3, "rate_limit_receipt_per_minute": 5}
    )
    app = create_app(braked)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            codes = [
                (await c.post("/v1/complaints", json=complaint_body())).status_code
                for _ in range(4)
            ]
            guesses = [
                (
                    await c.post(
                        "/v1/auth/receipt",
                        json={"reference": "HRC-2026-000001", "receipt": "A" * 32},
                    )
                )
                for _ in range(6)
            ]
        other = httpx.ASGITransport(app=app, client=("198.51.100.9", 5000))
        async with httpx.AsyncClient(transport=other, base_url="http://t") as c:
            elsewhere = (await c.post("/v1/complaints", json=complaint_body())).status_code
    assert codes == [201, 201, 201, 429]
    assert [g.status_code for g in guesses] == [401] * 5 + [429]
    assert int(guesses[-1].headers["retry-after"]) >= 1
    assert guesses[-1].headers["content-type"] == "application/problem+json"
    assert elsewhere == 201
    assert db.execute("SELECT count(*) AS n FROM complaints").fetchone()["n"] == 4
