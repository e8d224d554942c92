"""The identity custodian flow: motivated request, decision by someone else, the reporter told
first (or a recorded reason why not), and every look at the identity on record."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import refused

REQUEST = {
    "motivation": "The reporter is the only witness of the tender meeting of 3 May.",
    "legal_basis": "Criminal procedure code, art. 60 (court order 2026/88)",
}


def _requests(complaint_id: str) -> str:
    return f"/v1/complaints/{complaint_id}/identity-requests"


async def _report(file_complaint: Any, **kw: Any) -> dict[str, Any]:
    return await file_complaint(
        track="anti_corruption", contact={"name": "Whistle Blower", "email": "wb@example.org"}, **kw
    )


async def test_request_approve_notify_and_disclose(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    filed = await _report(file_complaint)
    officer = auth("oversight_officer", sub="officer-1")
    custodian = auth("oversight_head", sub="custodian-1")
    asked = await client.post(_requests(filed["id"]), json=REQUEST, headers=officer)
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    early = await client.get(f"{_requests(filed['id'])}/{request_id}/identity", headers=officer)
    assert early.status_code == 409  # pending: nothing disclosed
    self_approval = await client.post(
        f"{_requests(filed['id'])}/{request_id}/decision",
        json={"decision": "approved", "reason": "Necessary."},
        headers=auth("oversight_head", sub="officer-1"),
    )
    assert self_approval.status_code == 403  # four eyes
    by_officer = await client.post(
        f"{_requests(filed['id'])}/{request_id}/decision",
        json={"decision": "approved", "reason": "Necessary."},
        headers=auth("oversight_officer", sub="officer-2"),
    )
    assert by_officer.status_code == 403
    approved = await client.post(
        f"{_requests(filed['id'])}/{request_id}/decision",
        json={"decision": "approved", "reason": "Ordered by the court; no other witness."},
        headers=custodian,
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["notified_at"] is not None
    # The reporter was told, in writing, with the reasons.
    thread = await client.get(
        f"/v1/complaints/{filed['id']}/messages", headers=await receipt_headers(filed)
    )
    [notice] = thread.json()["items"]
    assert "identity will be disclosed" in notice["body"]
    assert "Ordered by the court" in notice["body"] and "art. 60" in notice["body"]
    seen = await client.get(f"{_requests(filed['id'])}/{request_id}/identity", headers=officer)
    assert seen.status_code == 200 and seen.json()["name"] == "Whistle Blower"
    other_officer = await client.get(
        f"{_requests(filed['id'])}/{request_id}/identity",
        headers=auth("oversight_officer", sub="officer-3"),
    )
    assert other_officer.status_code == 403
    await client.get(f"{_requests(filed['id'])}/{request_id}/identity", headers=custodian)
    record = (await client.get(_requests(filed["id"]), headers=custodian)).json()["requests"][0]
    assert [(d["seen_by"], d["seen_role"]) for d in record["disclosures"]] == [
        ("officer-1", "oversight_officer"),
        ("custodian-1", "oversight_head"),
    ]
    assert record["decided_by"] == "custodian-1"
    audited = [
        a["action"]
        for a in db.execute(
            "SELECT action FROM audit_entries WHERE action LIKE 'identity.%' ORDER BY id"
        )
    ]
    assert audited == [
        "identity.request",
        "identity.approved",
        "identity.disclose",
        "identity.disclose",
    ]


async def test_approval_without_notice_needs_a_reason(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any
) -> None:
    filed = await _report(file_complaint)
    asked = (
        await client.post(_requests(filed["id"]), json=REQUEST, headers=auth("oversight_officer"))
    ).json()
    path = f"{_requests(filed['id'])}/{asked['id']}/decision"
    custodian = auth("oversight_head")
    bare = await client.post(
        path,
        headers=custodian,
        json={"decision": "approved", "reason": "Necessary.", "notify_reporter": False},
    )
    refused(bare, 422, "validation-error", field="body", says="no_notice_reason")
    silent = await client.post(
        path,
        headers=custodian,
        json={
            "decision": "approved",
            "reason": "Necessary.",
            "notify_reporter": False,
            "no_notice_reason": "The reporter's manager is the suspect and reads their mail.",
        },
    )
    assert silent.status_code == 200
    assert silent.json()["notified_at"] is None and silent.json()["no_notice_reason"]
    thread = await client.get(
        f"/v1/complaints/{filed['id']}/messages", headers=await receipt_headers(filed)
    )
    assert thread.json()["items"] == []
    again = await client.post(
        path, headers=custodian, json={"decision": "refused", "reason": "Changed my mind."}
    )
    assert again.status_code == 409


async def test_refusal_discloses_nothing(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await _report(file_complaint)
    officer = auth("oversight_officer", sub="o")
    asked = (await client.post(_requests(filed["id"]), json=REQUEST, headers=officer)).json()
    refused = await client.post(
        f"{_requests(filed['id'])}/{asked['id']}/decision",
        json={"decision": "refused", "reason": "Not proportionate."},
        headers=auth("oversight_head"),
    )
    assert refused.json()["status"] == "refused"
    response = await client.get(f"{_requests(filed['id'])}/{asked['id']}/identity", headers=officer)
    assert response.status_code == 409 and "Whistle" not in response.text


async def test_anonymous_reports_and_the_other_track(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    anonymous = await file_complaint(track="anti_corruption")
    response = await client.post(
        _requests(anonymous["id"]), json=REQUEST, headers=auth("oversight_officer")
    )
    assert response.status_code == 409
    ombudsperson = await file_complaint(contact={"email": "x@example.org"})
    assert (
        await client.post(
            _requests(ombudsperson["id"]), json=REQUEST, headers=auth("oversight_officer")
        )
    ).status_code == 404
    assert (
        await client.post(_requests(ombudsperson["id"]), json=REQUEST, headers=auth("ombudsperson"))
    ).status_code == 403
