from __future__ import annotations

import os

import httpx

from app.config import Settings
from app.main import create_app
from tests.conftest import create_database, drop_database


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_readyz_when_migrated(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "migrations": "head"}


async def test_readyz_refuses_an_unmigrated_database(server_url: str, settings: Settings) -> None:
    url = create_database(server_url, f"ombuds_test_unmigrated_{os.getpid()}")
    try:
        app = create_app(settings.model_copy(update={"database_url": url}))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
                response = await c.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "migrations" in response.json()["detail"]
    finally:
        drop_database(server_url, f"ombuds_test_unmigrated_{os.getpid()}")


async def test_unknown_route_and_method_are_problems(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404
    response = await client.delete("/v1/taxonomy")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
