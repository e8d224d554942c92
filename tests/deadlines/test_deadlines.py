"""The deadlines view: every kind of deadline, within reach only, soonest first, paginated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.conftest import recommend, set_status, write_findings

SOON = (datetime.now(UTC) + timedelta(days=10)).isoformat()


async def _request_and_remedy(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> dict[str, Any]:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    set_status(db, filed["id"], "under_investigation")
    await client.put(
        f"/v1/complaints/{filed['id']}/investigation",
        headers=staff,
        json={"plan": "Ask housing for the file."},
    )
    await client.post(
        f"/v1/complaints/{filed['id']}/investigation/steps",
        headers=staff,
        json={
            "kind": "information_request",
            "summary": "Send the file.",
            "department": "housing",
            "due_at": SOON,
        },
    )
    await write_findings(client, db, staff, filed["id"])
    await recommend(client, staff, filed["id"], response_due_at=SOON, implementation_due_at=SOON)
    set_status(db, filed["id"], "remedy_follow_up")
    return filed


async def test_every_kind_soonest_first(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await _request_and_remedy(client, auth, file_complaint, db)
    late = await file_complaint()
    db.execute(
        "UPDATE complaints SET acknowledge_by = now() - interval '2 days' WHERE id = %s",
        (late["id"],),
    )
    staff = auth("ombudsperson_staff")
    page = await client.get("/v1/deadlines", params={"within_days": 366}, headers=staff)
    assert page.status_code == 200, page.text
    items = page.json()["items"]
    kinds = [(i["kind"], i["complaint_id"]) for i in items]
    assert kinds[0] == ("acknowledgement", late["id"])
    assert items[0]["overdue"] is True
    assert {k for k, c in kinds if c == filed["id"]} == {
        "acknowledgement",
        "feedback",
        "information_request",
        "remedy_response",
        "remedy_implementation",
        "stale_case",  # the review a year after its last change
    }
    dues = [i["due_at"] for i in items]
    assert dues == sorted(dues)
    overdue = await client.get("/v1/deadlines", params={"overdue": "true"}, headers=staff)
    assert [(i["kind"], i["complaint_id"]) for i in overdue.json()["items"]] == [
        ("acknowledgement", late["id"])
    ]
    only = await client.get(
        "/v1/deadlines", params={"kind": "remedy_response", "within_days": 366}, headers=staff
    )
    [remedy] = only.json()["items"]
    assert remedy["department"] == "housing" and remedy["item_id"] is not None


async def test_pages_track_handler_and_reach(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = [await file_complaint() for _ in range(5)]
    corruption = await file_complaint(track="anti_corruption")
    staff = auth("ombudsperson_staff", sub="alice")
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"kind": "acknowledgement", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/v1/deadlines", params=params, headers=staff)).json()
        seen += [i["complaint_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f["id"] for f in filed]
    assert corruption["id"] not in seen
    officer = await client.get(
        "/v1/deadlines", params={"kind": "acknowledgement"}, headers=auth("oversight_officer")
    )
    assert [i["complaint_id"] for i in officer.json()["items"]] == [corruption["id"]]
    head = auth("ombudsperson")
    await client.put(
        f"/v1/complaints/{filed[2]['id']}/handler",
        json={"handler": "alice"},
        headers={**head, "If-Match": '"v1"'},
    )
    mine = await client.get(
        "/v1/deadlines",
        params={"handler": "me", "kind": "feedback", "within_days": 366},
        headers=staff,
    )
    assert [i["complaint_id"] for i in mine.json()["items"]] == [filed[2]["id"]]
    await client.post(
        f"/v1/complaints/{filed[0]['id']}/recusals", json={"reason": "My cousin."}, headers=staff
    )
    after = await client.get("/v1/deadlines", params={"kind": "acknowledgement"}, headers=staff)
    assert filed[0]["id"] not in [i["complaint_id"] for i in after.json()["items"]]


async def test_who_may_and_bad_input(
    client: httpx.AsyncClient, auth: Any, receipt_headers: Any, file_complaint: Any
) -> None:
    filed = await file_complaint()
    for headers in (
        auth("monitor"),
        auth("admin"),
        auth("respondent", department="housing"),
        auth("resident"),
        await receipt_headers(filed),
    ):
        assert (await client.get("/v1/deadlines", headers=headers)).status_code == 403
    assert (await client.get("/v1/deadlines")).status_code == 401
    staff = auth("ombudsperson_staff")
    for params in (
        {"kind": "birthday"},
        {"within_days": 999},
        {"cursor": "***"},
        {"limit": 1000},
        {"colour": "red"},
    ):
        response = await client.get("/v1/deadlines", params=params, headers=staff)
        assert response.status_code == 422, params
