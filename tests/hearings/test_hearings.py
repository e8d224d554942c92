"""Hearings: scheduling, rescheduling and cancelling with a reason, minutes kept internal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import refused, set_status

SOON = (datetime.now(UTC) + timedelta(days=7)).replace(microsecond=0)
HEARING = {
    "scheduled_at": SOON.isoformat(),
    "mode": "in_person",
    "location": "City Hall, room 2",
    "participants": [
        {"role": "complainant", "needs": "Step-free access"},
        {"role": "witness", "name": "Neighbour"},
    ],
}


def _hearings(complaint_id: str) -> str:
    return f"/v1/complaints/{complaint_id}/hearings"


async def _investigating(file_complaint: Any, db: Any, **kw: Any) -> dict[str, Any]:
    filed = await file_complaint(**kw)
    set_status(db, filed["id"], "under_investigation")
    return filed


async def test_reschedule_and_cancel_with_reasons(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any, receipt_headers: Any
) -> None:
    filed = await _investigating(file_complaint, db)
    staff = auth("ombudsperson_staff")
    created = await client.post(_hearings(filed["id"]), json=HEARING, headers=staff)
    assert created.status_code == 201, created.text
    hearing = created.json()
    later = (SOON + timedelta(days=3)).isoformat()
    moved = await client.post(
        f"{_hearings(filed['id'])}/{hearing['id']}/reschedule",
        json={"scheduled_at": later, "reason": "The witness is ill."},
        headers=staff,
    )
    assert moved.status_code == 200
    assert datetime.fromisoformat(moved.json()["scheduled_at"]) == SOON + timedelta(days=3)
    no_reason = await client.post(
        f"{_hearings(filed['id'])}/{hearing['id']}/cancel", json={}, headers=staff
    )
    refused(no_reason, 422, "validation-error", field="body.reason")
    cancelled = await client.post(
        f"{_hearings(filed['id'])}/{hearing['id']}/cancel",
        json={"reason": "Settled before the hearing."},
        headers=staff,
    )
    assert cancelled.json()["status"] == "cancelled"
    again = await client.post(
        f"{_hearings(filed['id'])}/{hearing['id']}/record",
        json={"minutes": "Nothing to record here.", "outcome": "None."},
        headers=staff,
    )
    refused(again, 409, "conflict", detail="The hearing is cancelled: it no longer changes.")
    missing = await client.post(
        f"{_hearings(filed['id'])}/999999/cancel",
        json={"reason": "No such hearing."},
        headers=staff,
    )
    refused(missing, 404, "not-found", detail="No hearing with this id belongs to this complaint.")
    timeline = await client.get(
        f"/v1/complaints/{filed['id']}/timeline", headers=await receipt_headers(filed)
    )
    reasons = [e["reason"] for e in timeline.json()["entries"] if e["action"].startswith("hear")]
    assert reasons[0].startswith("Hearing on ") and "City Hall" in reasons[0]
    assert "The witness is ill." in reasons[1] and "Settled" in reasons[2]
    theirs = (
        await client.get(_hearings(filed["id"]), headers=await receipt_headers(filed))
    ).json()["hearings"]
    assert theirs[0]["participants"] is None and "Neighbour" not in str(theirs)


@pytest.mark.parametrize(
    "change",
    [
        {"mode": "online", "location": None},
        {"mode": "hybrid"},
        {"mode": "online", "online_url": "http://insecure.example.org/x"},
        {"scheduled_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()},
        {"participants": []},
        {"participants": [{"role": "judge"}]},
        {"minutes": "Sneaked in."},
    ],
)
async def test_bad_hearings_are_422(
    change: dict[str, Any], client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await _investigating(file_complaint, db)
    body = {k: v for k, v in {**HEARING, **change}.items() if v is not None}
    response = await client.post(
        _hearings(filed["id"]), json=body, headers=auth("ombudsperson_staff")
    )
    assert response.status_code == 422, response.text
    assert db.execute("SELECT count(*) AS n FROM hearings").fetchone()["n"] == 0


async def test_only_during_an_investigation(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    response = await client.post(
        _hearings(filed["id"]), json=HEARING, headers=auth("ombudsperson_staff")
    )
    assert response.status_code == 409
