from __future__ import annotations

from typing import Any

import httpx

from app.complaints.receipts import RECEIPT_BYTES, new_receipt, normalize
from tests.conftest import refused, set_status


def test_receipts_carry_160_bits_and_differ() -> None:
    receipts = {new_receipt() for _ in range(1000)}
    assert len(receipts) == 1000
    sample = next(iter(receipts))
    assert len(normalize(sample)) * 5 >= RECEIPT_BYTES * 8 >= 100


async def test_receipt_is_stored_only_as_a_keyed_hash(file_complaint: Any, db: Any) -> None:
    filed = await file_complaint()
    row = db.execute("SELECT * FROM complaints").fetchone()
    assert len(row["receipt_hash"]) == 32
    flat = " ".join(str(v) for v in row.values())
    assert filed["receipt"] not in flat and normalize(filed["receipt"]) not in flat


async def test_login_reads_own_case_and_nothing_else(
    client: httpx.AsyncClient, file_complaint: Any, receipt_headers: Any
) -> None:
    mine = await file_complaint()
    other = await file_complaint()
    headers = await receipt_headers(mine)
    own = await client.get(f"/v1/complaints/{mine['id']}", headers=headers)
    assert own.status_code == 200
    assert own.json()["reference"] == mine["reference"]
    assert (await client.get(f"/v1/complaints/{other['id']}", headers=headers)).status_code == 404
    assert (await client.get("/v1/complaints", headers=headers)).status_code == 403


async def test_login_accepts_what_people_type(
    client: httpx.AsyncClient, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    typed = filed["receipt"].replace("-", " ").lower()
    response = await client.post(
        "/v1/auth/receipt", json={"reference": filed["reference"].lower(), "receipt": typed}
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"
    assert response.headers["cache-control"] == "no-store"
    # The login is on the audit trail, against the complaint it opens.
    logins = db.execute(
        "SELECT actor_role, action, object_type, object_id FROM audit_entries "
        "WHERE action LIKE 'auth.%'"
    ).fetchall()
    assert logins == [
        {
            "actor_role": "complainant",
            "action": "auth.receipt",
            "object_type": "complaint",
            "object_id": filed["id"],
        }
    ]


async def test_wrong_receipt_and_unknown_reference_look_the_same(
    client: httpx.AsyncClient, file_complaint: Any
) -> None:
    filed = await file_complaint()
    wrong = await client.post(
        "/v1/auth/receipt", json={"reference": filed["reference"], "receipt": "A" * 32}
    )
    unknown = await client.post(
        "/v1/auth/receipt", json={"reference": "HRC-1999-999999", "receipt": filed["receipt"]}
    )
    refused(wrong, 401, "unauthorized", detail="The reference and receipt do not match.")
    assert wrong.json() == unknown.json()
    assert wrong.headers["content-type"] == "application/problem+json"


async def test_complainant_timeline_hides_staff_details(
    client: httpx.AsyncClient, file_complaint: Any, receipt_headers: Any, auth: Any, db: Any
) -> None:
    filed = await file_complaint()
    await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={"action": "acknowledge"},
        headers={**auth("ombudsperson_staff", sub="staff-42"), "If-Match": '"v1"'},
    )
    # An internal entry (as later case work writes) must stay out of the complainant's view.
    db.execute(
        "INSERT INTO timeline_entries (complaint_id, actor_subject, actor_role, action, "
        "from_status, to_status, reason, visible_to_complainant) VALUES "
        "(%s, 'staff-42', 'ombudsperson_staff', 'give_feedback', 'acknowledged', "
        "'acknowledged', 'internal note', false)",
        (filed["id"],),
    )
    timeline = await client.get(
        f"/v1/complaints/{filed['id']}/timeline", headers=await receipt_headers(filed)
    )
    entries = timeline.json()["entries"]
    assert [e["action"] for e in entries] == ["file", "acknowledge"]
    assert all(e["actor_subject"] is None for e in entries)
    assert "staff-42" not in timeline.text and "internal note" not in timeline.text
    staff = await client.get(
        f"/v1/complaints/{filed['id']}/timeline", headers=auth("ombudsperson_staff")
    )
    assert len(staff.json()["entries"]) == 3


async def test_complainant_can_withdraw_but_not_handle(
    client: httpx.AsyncClient, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    filed = await file_complaint()
    headers = {**await receipt_headers(filed), "If-Match": '"v1"'}
    refused = await client.post(
        f"/v1/complaints/{filed['id']}/transitions", json={"action": "acknowledge"}, headers=headers
    )
    assert refused.status_code == 403
    done = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={"action": "withdraw", "reason": "Resolved with the city."},
        headers=headers,
    )
    assert done.status_code == 200
    assert done.json()["status"] == "withdrawn"
    assert db.execute("SELECT status FROM complaints").fetchone()["status"] == "withdrawn"


async def test_closed_case_cannot_be_withdrawn(
    client: httpx.AsyncClient, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    filed = await file_complaint()
    set_status(db, filed["id"], "closed")
    response = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={"action": "withdraw"},
        headers={**await receipt_headers(filed), "If-Match": '"v1"'},
    )
    refused(response, 409, "invalid-transition", says="`withdraw` is not allowed from `closed`")
