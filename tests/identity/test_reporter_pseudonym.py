"""A signed-in reporter on the confidential track is known by the case's pseudonym to every
reader, in every answer and in every table but the case's own link to the account; only the
custodian procedure discloses the account."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import act, tables_holding

ACCOUNT = "acct-7Q2ZX9-wb"
PDF = b"%PDF-1.4\n% evidence of the tender\n"


async def test_the_reporters_account_shows_nowhere_but_through_the_custodian(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    resident = auth("resident", sub=ACCOUNT)
    filed = await file_complaint(headers=resident, track="anti_corruption")
    cid = filed["id"]
    case = f"/v1/complaints/{cid}"
    officer = auth("oversight_officer", sub="officer-1")
    head = auth("oversight_head", sub="head-1")
    answers: list[httpx.Response] = []

    async def call(method: str, url: str, headers: dict[str, str], **kw: Any) -> httpx.Response:
        response = await client.request(method, url, headers=headers, **kw)
        assert response.status_code < 400, (url, response.text)
        answers.append(response)
        return response

    # The reporter works on the case: a message, a file, an answer to the record of a meeting.
    await call("POST", f"{case}/messages", resident, json={"body": "The tender was rigged."})
    await call(
        "POST",
        f"{case}/attachments",
        {**resident, "content-type": "application/pdf"},
        content=PDF,
        params={"filename": "tender.pdf", "attach_to": "complaint"},
    )
    await act(client, officer, cid, "acknowledge")
    record = await call(
        "POST",
        f"{case}/records",
        officer,
        json={
            "kind": "meeting",
            "held_at": "2026-11-30T10:00:00Z",
            "transcript": "The reporter described the tender meeting.",
        },
    )
    await call(
        "POST", f"{case}/records/{record.json()['id']}/response", resident, json={"approve": True}
    )
    await call("GET", f"{case}/export", resident)
    await call("GET", "/v1/me/export", resident)

    # Everyone else reads everything they may.
    alias = (await call("GET", case, officer)).json()["reporter"]
    assert alias.startswith("Reporter ")
    for reader in (officer, head):
        for path in ("", "/timeline", "/messages", "/attachments", "/records"):
            await call("GET", case + path, reader)
        await call("GET", "/v1/complaints", reader)
    audit = await call("GET", "/v1/audit/entries?limit=100", auth("auditor"))
    assert any(e["actor_subject"] == alias for e in audit.json()["items"])

    for response in answers:
        assert ACCOUNT not in response.text, response.request.url
    # Who did what is recorded, under the pseudonym, as the complainant.
    timeline = (await client.get(f"{case}/timeline", headers=officer)).json()["entries"]
    assert (timeline[0]["action"], timeline[0]["actor_subject"]) == ("file", alias)
    assert {e["actor_role"] for e in timeline if e["actor_subject"] == alias} == {"complainant"}
    thread = (await client.get(f"{case}/messages", headers=officer)).json()["items"]
    assert [m["author_subject"] for m in thread] == [alias]
    files = (await client.get(f"{case}/attachments", headers=officer)).json()["attachments"]
    assert [f["uploaded_by"] for f in files] == [alias]
    # In the database the account is only the case's link to it (which lets the resident list
    # their cases), in no timeline, message, file, record or audit row.
    assert tables_holding(db, ACCOUNT) == {"complaints": 1}

    # The custodian procedure discloses it, and records the look.
    asked = await client.post(
        f"{case}/identity-requests",
        json={"motivation": "Court order for the hearing.", "legal_basis": "CPC art. 60"},
        headers=officer,
    )
    assert asked.status_code == 201, asked.text
    rid = asked.json()["id"]
    decided = await client.post(
        f"{case}/identity-requests/{rid}/decision",
        json={"decision": "approved", "reason": "Ordered by the court."},
        headers=head,
    )
    assert decided.status_code == 200, decided.text
    seen = await client.get(f"{case}/identity-requests/{rid}/identity", headers=officer)
    assert seen.json() == {
        "name": None,
        "email": None,
        "phone": None,
        "postal_address": None,
        "preferred_channel": None,
        "account": ACCOUNT,
    }


async def test_on_the_ombudsperson_track_the_account_is_recorded_as_itself(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    resident = auth("resident", sub="acct-open-track")
    filed = await file_complaint(headers=resident)
    await client.post(
        f"/v1/complaints/{filed['id']}/messages", json={"body": "More facts."}, headers=resident
    )
    staff = auth("ombudsperson_staff")
    thread = (await client.get(f"/v1/complaints/{filed['id']}/messages", headers=staff)).json()
    assert [(m["author_subject"], m["author_role"]) for m in thread["items"]] == [
        ("acct-open-track", "resident")
    ]
    complaint = (await client.get(f"/v1/complaints/{filed['id']}", headers=staff)).json()
    assert complaint["reporter"] is None
