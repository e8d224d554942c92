"""Retaliation reports: linked to the original report, priority, with protection measures."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import refused

BODY = {
    "description": "Since my report I was moved to night shifts and lost my bonus.",
    "rights_affected": ["work"],
    "measures": ["legal_aid", "psychosocial_support"],
}


async def test_reporter_reports_retaliation_and_staff_grant_protection(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any
) -> None:
    original = await file_complaint(track="anti_corruption")
    reporter = await receipt_headers(original)
    response = await client.post(
        f"/v1/complaints/{original['id']}/retaliation", json=BODY, headers=reporter
    )
    assert response.status_code == 201, response.text
    new = response.json()
    assert new["track"] == "anti_corruption" and new["receipt"] and new["id"] != original["id"]
    assert response.headers["location"] == f"/v1/complaints/{new['id']}"
    officer = auth("oversight_officer")
    case = (await client.get(f"/v1/complaints/{new['id']}", headers=officer)).json()
    assert case["priority"] is True and case["retaliation_against"] == original["id"]
    assert case["summary"] == f"Retaliation against the reporter of {original['reference']}"
    assert case["remedy_sought"] == "Protection from retaliation and redress for it."
    assert (case["description"], case["rights_affected"]) == (BODY["description"], ["work"])
    listed = await client.get("/v1/complaints", params={"priority": "true"}, headers=officer)
    assert [i["id"] for i in listed.json()["items"]] == [new["id"]]
    measures = (
        await client.get(f"/v1/complaints/{new['id']}/protection-measures", headers=officer)
    ).json()["measures"]
    assert [(m["measure"], m["status"]) for m in measures] == [
        ("legal_aid", "requested"),
        ("psychosocial_support", "requested"),
    ]
    head = auth("oversight_head")
    granted = await client.post(
        f"/v1/complaints/{new['id']}/protection-measures/{measures[0]['id']}/decision",
        json={"decision": "granted", "note": "Lawyer from the city's programme assigned."},
        headers=head,
    )
    assert granted.status_code == 200 and granted.json()["status"] == "granted"
    twice = await client.post(
        f"/v1/complaints/{new['id']}/protection-measures/{measures[0]['id']}/decision",
        json={"decision": "refused", "note": "Changed."},
        headers=head,
    )
    refused(
        twice, 409, "conflict", detail="The protection measure is granted: it no longer changes."
    )
    offered = await client.post(
        f"/v1/complaints/{new['id']}/protection-measures",
        json={"measure": "relocation_support"},
        headers=officer,
    )
    assert offered.status_code == 201
    # The reporter follows the new case with its own receipt, and sees the measures.
    theirs = await receipt_headers(new)
    seen = (
        await client.get(f"/v1/complaints/{new['id']}/protection-measures", headers=theirs)
    ).json()["measures"]
    assert [m["status"] for m in seen] == ["granted", "requested", "requested"]


async def test_only_the_reporter_reports_retaliation(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any
) -> None:
    original = await file_complaint()
    someone_else = await receipt_headers(await file_complaint())
    response = await client.post(
        f"/v1/complaints/{original['id']}/retaliation", json=BODY, headers=someone_else
    )
    assert response.status_code == 404
    staff = await client.post(
        f"/v1/complaints/{original['id']}/retaliation",
        json=BODY,
        headers=auth("ombudsperson_staff"),
    )
    assert staff.status_code == 403
    bad = await client.post(
        f"/v1/complaints/{original['id']}/retaliation",
        json={**BODY, "measures": ["a_pony"]},
        headers=await receipt_headers(original),
    )
    refused(bad, 422, "validation-error", field="body.measures.0")


async def test_a_signed_in_reporter_finds_the_new_case_in_their_account(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    resident = auth("resident", sub="rosa")
    original = await file_complaint(track="anti_corruption", headers=resident)
    response = await client.post(
        f"/v1/complaints/{original['id']}/retaliation", json=BODY, headers=resident
    )
    assert response.status_code == 201, response.text
    mine = (await client.get("/v1/complaints", headers=resident)).json()["items"]
    assert {i["id"] for i in mine} == {original["id"], response.json()["id"]}


async def test_a_reporter_who_does_not_know_the_rights_may_leave_them_out(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any
) -> None:
    original = await file_complaint(track="anti_corruption")
    reporter = await receipt_headers(original)
    body = {"description": "Since my report my contract was not renewed."}
    response = await client.post(
        f"/v1/complaints/{original['id']}/retaliation", json=body, headers=reporter
    )
    assert response.status_code == 201, response.text
    officer = auth("oversight_officer")
    case = (await client.get(f"/v1/complaints/{response.json()['id']}", headers=officer)).json()
    assert case["rights_affected"] == []
