from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.config import Settings
from tests.conftest import refused


@pytest.mark.parametrize(("count", "pages"), [(7, 3), (6, 2), (3, 1), (0, 1)])
async def test_newest_first_with_cursor_pages(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, count: int, pages: int
) -> None:
    # Pages of three: a last page that is full has no cursor after it.
    filed = [(await file_complaint())["id"] for _ in range(count)]
    staff = auth("ombudsperson_staff")
    seen: list[str] = []
    cursor = None
    fetched = 0
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/v1/complaints", params=params, headers=staff)).json()
        seen += [i["id"] for i in page["items"]]
        fetched += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert fetched == pages
    assert seen == list(reversed(filed))


async def test_filters(client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any) -> None:
    late = await file_complaint()
    fresh = await file_complaint()
    acknowledged = await file_complaint()
    await file_complaint(track="anti_corruption")
    db.execute(
        "UPDATE complaints SET received_at = now() - interval '20 days', "
        "acknowledge_by = now() - interval '13 days' WHERE id = %s",
        (late["id"],),
    )
    db.execute(
        "UPDATE complaints SET status = 'acknowledged', acknowledged_at = now() WHERE id = %s",
        (acknowledged["id"],),
    )
    staff = auth("ombudsperson_staff")

    async def ids(**params: Any) -> set[str]:
        response = await client.get("/v1/complaints", params=params, headers=staff)
        assert response.status_code == 200, response.text
        return {i["id"] for i in response.json()["items"]}

    assert await ids() == {late["id"], fresh["id"], acknowledged["id"]}
    assert await ids(overdue="acknowledgement") == {late["id"]}
    assert await ids(overdue="feedback") == set()
    assert await ids(status="acknowledged") == {acknowledged["id"]}
    assert await ids(status=["acknowledged", "submitted"]) == {
        late["id"],
        fresh["id"],
        acknowledged["id"],
    }
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert await ids(received_from=since) == {fresh["id"], acknowledged["id"]}
    assert await ids(received_to=since) == {late["id"]}
    assert await ids(track="anti_corruption") == set()  # outside the caller's track
    listing = await client.get(
        "/v1/complaints", params={"overdue": "acknowledgement"}, headers=staff
    )
    assert listing.json()["items"][0]["deadlines"]["acknowledgement_overdue"] is True


async def test_page_size_cap_and_bad_cursor(
    client: httpx.AsyncClient, auth: Any, settings: Settings
) -> None:
    staff = auth("ombudsperson_staff")
    too_big = await client.get(
        "/v1/complaints", params={"limit": settings.page_size_max + 1}, headers=staff
    )
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["field"] == "query.limit"
    bad = await client.get("/v1/complaints", params={"cursor": "!!nope"}, headers=staff)
    refused(bad, 422, "validation-error", field="query.cursor")
    # Cursors this API never writes: a time without its zone, text holding a NUL character.
    forged = [
        ("/v1/complaints", ["2026-01-01T00:00:00", "9f1c4a52-3b7e-4c1e-9a57-2d0f7c1b8e11"]),
        ("/v1/deadlines", ["2026-01-01T00:00:00+00:00", "acknowledge\u0000", "x"]),
    ]
    for path, values in forged:
        cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode()
        response = await client.get(path, params={"cursor": cursor}, headers=staff)
        refused(response, 422, "validation-error", field="query.cursor", says="invalid cursor")
    naive = await client.get(
        "/v1/complaints", params={"received_from": "2026-01-01T00:00:00"}, headers=staff
    )
    refused(naive, 422, "validation-error", field="query.received_from")
    unknown_status = await client.get("/v1/complaints", params={"status": "lost"}, headers=staff)
    refused(unknown_status, 422, "validation-error", field="query.status.0")


async def test_list_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/complaints")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_unknown_query_parameters_are_refused(client: httpx.AsyncClient, auth: Any) -> None:
    response = await client.get(
        "/v1/complaints", params={"stauts": "closed"}, headers=auth("ombudsperson_staff")
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.stauts"


async def test_times_must_be_iso_8601(client: httpx.AsyncClient, auth: Any) -> None:
    for value in ("0.5", "1700000000", "yesterday"):
        response = await client.get(
            "/v1/complaints", params={"received_to": value}, headers=auth("ombudsperson_staff")
        )
        assert response.status_code == 422, value


async def test_a_case_is_looked_up_by_its_reference_within_reach(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    wanted = await file_complaint()
    await file_complaint()
    hidden = await file_complaint(track="anti_corruption")
    staff = auth("ombudsperson_staff", sub="olga")

    async def found(reference: str, headers: dict[str, str]) -> list[str]:
        response = await client.get(
            "/v1/complaints", params={"reference": reference}, headers=headers
        )
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await found(wanted["reference"], staff) == [wanted["id"]]
    assert await found(wanted["reference"].lower(), staff) == [wanted["id"]]
    assert await found("HRC-1999-000001", staff) == []
    # Out of reach is the same as absent: the other track's case, a recused case.
    assert await found(hidden["reference"], staff) == []
    assert await found(hidden["reference"], auth("oversight_officer")) == [hidden["id"]]
    db.execute(
        "INSERT INTO recusals (complaint_id, subject, kind, reason, recorded_by) "
        "VALUES (%s, 'olga', 'declared', 'conflict of interest', 'olga')",
        [wanted["id"]],
    )
    assert await found(wanted["reference"], staff) == []


@pytest.mark.parametrize("reference", ["HRC-2026", "HRC 2026 000001", "x" * 41, "HRC-26-000001"])
async def test_a_malformed_reference_is_refused(
    client: httpx.AsyncClient, auth: Any, reference: str
) -> None:
    response = await client.get(
        "/v1/complaints", params={"reference": reference}, headers=auth("ombudsperson_staff")
    )
    refused(response, 422, "validation-error", field="query.reference")


async def test_the_list_filters_by_configured_department(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    housing = await file_complaint(respondent="housing")
    await file_complaint(respondent="Police")
    await file_complaint(respondent="The water company")  # not a configured department
    staff = auth("ombudsperson_staff")

    async def ids(department: str) -> list[str]:
        response = await client.get(
            "/v1/complaints", params={"department": department}, headers=staff
        )
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids("Housing") == [housing["id"]]
    assert await ids("HOUSING") == [housing["id"]]
    assert await ids("Education") == []
    response = await client.get(
        "/v1/complaints", params={"department": "The water company"}, headers=staff
    )
    refused(response, 422, "validation-error", field="query.department", says="configured")
