"""Cross-origin calls from the configured origins only (a city hosting its own form), and none at
all by default; a refused preflight is problem+json like every other refusal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from app.config import Settings, field_problems
from app.main import create_app
from tests.conftest import complaint_body, refused

CITY = "https://www.city.example"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


@pytest.fixture
async def city_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"cors_origins": [CITY]}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            yield c


async def test_the_citys_own_form_may_file_across_origins(city_client: httpx.AsyncClient) -> None:
    preflight = await city_client.options("/v1/complaints", headers={"Origin": CITY, **PREFLIGHT})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == CITY
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in preflight.headers
    filed = await city_client.post(
        "/v1/complaints", json=complaint_body(), headers={"Origin": CITY}
    )
    assert filed.status_code == 201
    assert filed.headers["access-control-allow-origin"] == CITY
    assert "Location" in filed.headers["access-control-expose-headers"]


async def test_another_origin_is_refused(city_client: httpx.AsyncClient) -> None:
    preflight = await city_client.options(
        "/v1/complaints", headers={"Origin": "https://evil.example", **PREFLIGHT}
    )
    refused(preflight, 400, "cors-refused", says="origin")
    filed = await city_client.post(
        "/v1/complaints", json=complaint_body(), headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in filed.headers  # the browser withholds the answer


async def test_without_configured_origins_there_is_no_cross_origin_access(
    client: httpx.AsyncClient,
) -> None:
    preflight = await client.options("/v1/complaints", headers={"Origin": CITY, **PREFLIGHT})
    refused(preflight, 405, "http-405")
    assert "access-control-allow-origin" not in preflight.headers


@pytest.mark.parametrize(
    ("environment", "origins", "problem"),
    [
        ("production", '["*"]', "OMBUDS_CORS_ORIGINS: '*' is not an origin"),
        ("production", '["https://city.example/form"]', "is not an origin"),
        ("production", '["http://city.example"]', "must be https outside development"),
        ("development", '["http://localhost:3000"]', None),
        ("production", '["https://city.example", "https://forms.city.example:8443"]', None),
    ],
)
def test_origins_are_checked_at_start(environment: str, origins: str, problem: str | None) -> None:
    values: dict[str, Any] = {"environment": environment, "cors_origins": origins}
    try:
        Settings(**values)
        problems: list[str] = []
    except ValidationError as exc:
        problems = [p for p in field_problems(exc) if "CORS" in p]
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems
