"""What the page tests share: a year of releases to show, and a client that reads pages as a
browser does (an HTML refusal is what these tests expect, where the API's client fixture insists
on problem documents)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.config import Settings
from tests.conftest import complaint_body, publish_due

# Published on this day, every release of 2025 is due: March to December (releases 1 to 10),
# the four quarters (11 to 14), the year (15).
PUBLISHED_ON = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
MONTHS = ["March", "April", "May", "June", "July", "August"]
MONTHS += ["September", "October", "November", "December"]


async def file_the_year(client: httpx.AsyncClient, db: Any) -> None:
    """Thirty complaints received on 15 March 2025, every one naming adequate housing:
    - 20 on the ombudsperson track: 10 women who also name education, 10 men of whom 3 also
      name health (a count under 10, the threshold: hidden);
    - 10 on the anti-corruption track, all women."""
    for i in range(30):
        rights = ["adequate_housing"]
        if i < 10:
            rights.append("education")
        if 17 <= i < 20:
            rights.append("health")
        body = complaint_body(
            track="ombudsperson" if i < 20 else "anti_corruption",
            rights_affected=rights,
            characteristics={"sex_gender": "woman" if i < 10 or i >= 20 else "man"},
        )
        response = await client.post("/v1/complaints", json=body)
        assert response.status_code == 201, response.text
    db.execute("UPDATE complaints SET received_at = '2025-03-15T10:00:00Z'")


@pytest.fixture
async def published(
    client: httpx.AsyncClient, db: Any, database_url: str, settings: Settings
) -> list[dict[str, Any]]:
    """The thirty complaints, and every release of 2025 published."""
    await file_the_year(client, db)
    return await publish_due(database_url, settings, now=PUBLISHED_ON)


@pytest.fixture
async def reader(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client with no opinion on error bodies: pages answer refusals in HTML."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
