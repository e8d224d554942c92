"""Own-initiative inquiries: a case with no complainant that follows the same workflow."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.kit.permissions import Role
from tests.conftest import refused, set_status

INQUIRY = {
    "summary": "Accessibility of polling stations",
    "description": "Several polling stations could not be reached by wheelchair users.",
    "purpose": "Establish which stations are inaccessible and have them adapted.",
    "rights_affected": ["participation_public_affairs", "accessibility"],
    "respondent": "Elections Office",
}


async def test_open_and_close_an_inquiry(client: httpx.AsyncClient, auth: Any, db: Any) -> None:
    staff = auth("ombudsperson_staff", sub="ines")
    opened = await client.post("/v1/inquiries", json=INQUIRY, headers=staff)
    assert opened.status_code == 201, opened.text
    body = opened.json()
    assert body["status"] == "under_assessment"
    assert opened.headers["location"] == f"/v1/complaints/{body['id']}"
    case = (await client.get(f"/v1/complaints/{body['id']}", headers=staff)).json()
    assert case["origin"] == "own_initiative" and case["handler"] == "ines"
    assert case["contact"] is None
    assert case["deadlines"]["acknowledgement_overdue"] is False
    row = db.execute("SELECT receipt_hash, anonymous FROM complaints").fetchone()
    assert row == {"receipt_hash": None, "anonymous": True}
    # No receipt exists, so no receipt login can succeed for it.
    login = await client.post(
        "/v1/auth/receipt", json={"reference": body["reference"], "receipt": "A" * 32}
    )
    assert login.status_code == 401
    deadlines = await client.get("/v1/deadlines", params={"within_days": 366}, headers=staff)
    # Nothing owed to a complainant; only the review if nobody moves it for twelve months.
    assert [d["kind"] for d in deadlines.json()["items"] if d["complaint_id"] == body["id"]] == [
        "stale_case"
    ]

    # With findings issued, it closes without a decision to communicate to anyone.
    await client.put(
        f"/v1/complaints/{body['id']}/findings",
        headers=staff,
        json={
            "outcome": "no_violation",
            "public_summary": "All stations were adapted in time.",
            "internal_reasoning": "Site visits to 12 stations.",
        },
    )
    set_status(db, body["id"], "findings_issued")
    closed = await client.post(
        f"/v1/complaints/{body['id']}/transitions",
        json={"action": "close"},
        headers={**staff, "If-Match": '"v1"'},
    )
    assert closed.status_code == 200, closed.text


async def test_inquiry_rules(client: httpx.AsyncClient, auth: Any, db: Any) -> None:
    wrong_track = await client.post(
        "/v1/inquiries",
        json={**INQUIRY, "track": "ombudsperson"},
        headers=auth("oversight_officer"),
    )
    refused(
        wrong_track, 403, "forbidden", detail="Your role does not work on the ombudsperson track."
    )
    extra = await client.post(
        "/v1/inquiries", json={**INQUIRY, "status": "closed"}, headers=auth("ombudsperson_staff")
    )
    refused(extra, 422, "validation-error", field="body.status")
    handed = await client.post(
        "/v1/inquiries",
        json={**INQUIRY, "handler": "omar", "respondent": " housing "},
        headers=auth("ombudsperson"),
    )
    assert handed.status_code == 201
    # The respondent names a configured department: the inquiry is addressed to it.
    assert db.execute("SELECT handler_subject, department FROM complaints").fetchone() == {
        "handler_subject": "omar",
        "department": "Housing",
    }
    officer = await client.post(
        "/v1/inquiries",
        json={**INQUIRY, "track": "anti_corruption"},
        headers=auth("oversight_officer"),
    )
    assert officer.status_code == 201


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.complainant])
async def test_inquiry_role_matrix(role: Role, client: httpx.AsyncClient, auth: Any) -> None:
    headers = auth(role.value, department="housing" if role is Role.respondent else None)
    response = await client.post("/v1/inquiries", json=INQUIRY, headers=headers)
    may = role in (Role.ombudsperson_staff, Role.ombudsperson)
    assert response.status_code == (201 if may else 403), role
