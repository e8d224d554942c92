"""Mediation: attempts and results; a settlement records its terms for the complainant."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import refused, set_status


def _attempts(complaint_id: str) -> str:
    return f"/v1/complaints/{complaint_id}/mediation-attempts"


async def _act(
    client: httpx.AsyncClient,
    complaint_id: str,
    headers: dict[str, str],
    action: str,
    reason: str | None = None,
) -> httpx.Response:
    etag = (await client.get(f"/v1/complaints/{complaint_id}", headers=headers)).headers["etag"]
    body = {"action": action, **({"reason": reason} if reason else {})}
    return await client.post(
        f"/v1/complaints/{complaint_id}/transitions",
        json=body,
        headers={**headers, "If-Match": etag},
    )


async def test_failed_round_then_settlement(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any, receipt_headers: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    set_status(db, filed["id"], "under_investigation")
    assert (await _act(client, filed["id"], staff, "start_mediation")).status_code == 200
    early = await _act(client, filed["id"], staff, "end_mediation", "No agreement.")
    refused(early, 409, "guard-failed", says="recorded as failed")
    failed = await client.post(
        _attempts(filed["id"]),
        headers=staff,
        json={
            "result": "failed",
            "notes": "The department would not offer a flat.",
            "mediator": "M. Diallo",
        },
    )
    assert failed.status_code == 201
    assert (
        await _act(client, filed["id"], staff, "end_mediation", "No agreement.")
    ).status_code == 200
    # A second round: the first round's failure does not end it.
    assert (await _act(client, filed["id"], staff, "start_mediation")).status_code == 200
    assert (await _act(client, filed["id"], staff, "end_mediation", "Again.")).status_code == 409
    settled = await client.post(
        _attempts(filed["id"]),
        headers=staff,
        json={"result": "settled", "terms": "Rehousing by 1 March; costs paid by the city."},
    )
    assert settled.status_code == 201
    theirs = (
        await client.get(_attempts(filed["id"]), headers=await receipt_headers(filed))
    ).json()["attempts"]
    assert [(a["result"], a["notes"], a["mediator"]) for a in theirs] == [
        ("failed", None, None),
        ("settled", None, None),
    ]
    assert theirs[1]["terms"] == "Rehousing by 1 March; costs paid by the city."
    timeline = await client.get(
        f"/v1/complaints/{filed['id']}/timeline", headers=await receipt_headers(filed)
    )
    assert "Settlement reached: Rehousing by 1 March" in timeline.text
    assert "would not offer" not in timeline.text


@pytest.mark.parametrize(
    "body", [{"result": "settled"}, {"result": "maybe"}, {"result": "failed", "status": "closed"}]
)
async def test_bad_attempts_are_422(
    body: dict[str, Any], client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    set_status(db, filed["id"], "mediation")
    response = await client.post(
        _attempts(filed["id"]), json=body, headers=auth("ombudsperson_staff")
    )
    assert response.status_code == 422
    assert db.execute("SELECT count(*) AS n FROM mediation_attempts").fetchone()["n"] == 0


async def test_only_during_mediation(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint()
    response = await client.post(
        _attempts(filed["id"]), json={"result": "failed"}, headers=auth("ombudsperson_staff")
    )
    refused(response, 409, "conflict", says="recorded during mediation")
