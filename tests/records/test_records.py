"""Oral reports and meetings: the reporter checks the record and approves or corrects it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import refused

HELD = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
RECORD = {
    "kind": "oral_report",
    "held_at": HELD,
    "transcript": "The reporter states that the tender was awarded before the deadline.",
}


def _records(complaint_id: str) -> str:
    return f"/v1/complaints/{complaint_id}/records"


async def test_reporter_corrects_then_approves(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any
) -> None:
    filed = await file_complaint(track="anti_corruption")
    officer = auth("oversight_officer")
    first = await client.post(_records(filed["id"]), json=RECORD, headers=officer)
    assert first.status_code == 201 and first.json()["status"] == "awaiting_reporter"
    reporter = await receipt_headers(filed)
    seen = (await client.get(_records(filed["id"]), headers=reporter)).json()["records"]
    assert seen[0]["transcript"] == RECORD["transcript"]
    corrected = await client.post(
        f"{_records(filed['id'])}/{first.json()['id']}/response",
        json={"approve": False, "corrections": "It was awarded two days before."},
        headers=reporter,
    )
    assert corrected.status_code == 200 and corrected.json()["status"] == "corrected"
    again = await client.post(
        f"{_records(filed['id'])}/{first.json()['id']}/response",
        json={"approve": True},
        headers=reporter,
    )
    refused(again, 409, "conflict", detail="The record is corrected: it no longer changes.")
    second = await client.post(
        _records(filed["id"]),
        headers=officer,
        json={**RECORD, "transcript": "Awarded two days before the deadline, says the reporter."},
    )
    approved = await client.post(
        f"{_records(filed['id'])}/{second.json()['id']}/response",
        json={"approve": True},
        headers=reporter,
    )
    assert approved.json()["status"] == "approved"
    timeline = (
        await client.get(f"/v1/complaints/{filed['id']}/timeline", headers=reporter)
    ).json()["entries"]
    assert [e["action"] for e in timeline if e["action"].startswith("record")] == [
        "record_shared",
        "record_corrected",
        "record_shared",
        "record_approved",
    ]


async def test_staff_do_not_approve_on_the_reporters_behalf(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    record = (await client.post(_records(filed["id"]), json=RECORD, headers=staff)).json()
    response = await client.post(
        f"{_records(filed['id'])}/{record['id']}/response", json={"approve": True}, headers=staff
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {**RECORD, "held_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()},
        {**RECORD, "kind": "rumour"},
        {**RECORD, "transcript": "short"},
    ],
)
async def test_bad_records_are_422(
    body: dict[str, Any], client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint()
    response = await client.post(
        _records(filed["id"]), json=body, headers=auth("ombudsperson_staff")
    )
    problem = refused(response, 422, "validation-error")
    assert problem["errors"][0]["field"].startswith("body")
