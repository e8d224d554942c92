"""A complainant exports everything held about them; nobody else can."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from tests.conftest import act, complaint_body, fold_all, refused


async def test_a_complainant_exports_what_is_held_about_them(
    client: httpx.AsyncClient, auth: Any, receipt_headers: Any, db: Any
) -> None:
    filed = (
        await client.post(
            "/v1/complaints",
            json=complaint_body(
                contact={"name": "Amina Yusuf", "email": "amina@example.org"},
                characteristics={"sex_gender": "woman", "age_band": "35_44"},
                named_persons=[{"name": "Officer Brandt", "role_in_report": "inspector"}],
            ),
        )
    ).json()
    mine = await receipt_headers(filed)
    staff = auth("ombudsperson_staff")
    path = f"/v1/complaints/{filed['id']}"
    await client.post(f"{path}/messages", json={"body": "Here is the letter."}, headers=mine)
    await client.post(f"{path}/messages", json={"body": "Thank you."}, headers=staff)
    await client.post(
        f"{path}/messages", json={"body": "Check with housing.", "internal": True}, headers=staff
    )
    upload = await client.post(
        f"{path}/attachments",
        content=b"The eviction letter.",
        params={"filename": "letter.txt", "attach_to": "complaint"},
        headers={**mine, "content-type": "text/plain"},
    )
    assert upload.status_code == 201

    response = await client.get(f"{path}/export", headers=mine)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    data = response.json()
    assert data["complaint"]["reference"] == filed["reference"]
    assert data["complaint"]["description"].startswith("The housing department")
    assert data["contact"] == {
        "name": "Amina Yusuf",
        "email": "amina@example.org",
        **{k: v for k, v in data["contact"].items() if k not in ("name", "email")},
    }
    assert data["characteristics"]["sex_gender"] == "woman"
    assert [m["body"] for m in data["messages"]] == ["Here is the letter.", "Thank you."]
    assert [a["filename"] for a in data["attachments"]["attachments"]] == ["letter.txt"]
    assert data["timeline"]["entries"][0]["action"] == "file"
    assert data["findings"] is None
    # Other people's data is not the complainant's to export (art. 15(4)).
    assert "Brandt" not in response.text and "Check with housing" not in response.text
    assert data["not_included"]
    audit = db.execute(
        "SELECT actor_role FROM audit_entries WHERE action = 'complaint.export' AND object_id = %s",
        (filed["id"],),
    ).fetchall()
    assert audit == [{"actor_role": "complainant"}]

    # Staff, another complainant, a monitor: not theirs to export.
    other = await receipt_headers(
        (await client.post("/v1/complaints", json=complaint_body())).json()
    )
    assert (await client.get(f"{path}/export", headers=staff)).status_code == 403
    assert (await client.get(f"{path}/export", headers=other)).status_code == 404
    assert (await client.get(f"{path}/export", headers=auth("monitor"))).status_code == 403


async def test_a_resident_exports_a_complaint_they_filed(
    client: httpx.AsyncClient, auth: Any
) -> None:
    resident = auth("resident", sub="resident-7")
    filed = (await client.post("/v1/complaints", json=complaint_body(), headers=resident)).json()
    response = await client.get(f"/v1/complaints/{filed['id']}/export", headers=resident)
    assert response.status_code == 200
    assert response.json()["contact"] is None
    someone_else = auth("resident", sub="resident-8")
    assert (
        await client.get(f"/v1/complaints/{filed['id']}/export", headers=someone_else)
    ).status_code == 404
    # All of them at once: every complaint this resident filed, and only those.
    second = (await client.post("/v1/complaints", json=complaint_body(), headers=resident)).json()
    mine = await client.get("/v1/me/export", headers=resident)
    assert mine.status_code == 200
    assert [e["complaint"]["id"] for e in mine.json()["complaints"]] == [filed["id"], second["id"]]
    assert (await client.get("/v1/me/export", headers=someone_else)).json()["complaints"] == []
    assert (await client.get("/v1/me/export", headers=auth("ombudsperson"))).status_code == 403


async def test_an_erasure_is_recorded_due_in_a_month_then_executed_for_good(
    client: httpx.AsyncClient,
    auth: Any,
    receipt_headers: Any,
    db: Any,
    database_url: str,
    settings: Any,
) -> None:
    from datetime import datetime

    filed = (
        await client.post(
            "/v1/complaints",
            json=complaint_body(
                contact={"name": "Amina Yusuf", "email": "amina@example.org"},
                characteristics={"sex_gender": "woman"},
                named_persons=[{"name": "Officer Brandt"}],
            ),
        )
    ).json()
    cid, path = filed["id"], f"/v1/complaints/{filed['id']}"
    mine = await receipt_headers(filed)
    staff, head = auth("ombudsperson_staff"), auth("ombudsperson", sub="head")
    await client.post(f"{path}/messages", json={"body": "My neighbour Jonas saw it."}, headers=mine)
    upload = await client.post(
        f"{path}/attachments",
        content=b"Letter to Amina Yusuf.",
        params={"filename": "letter.txt", "attach_to": "complaint"},
        headers={**mine, "content-type": "text/plain"},
    )
    assert upload.status_code == 201
    await fold_all(database_url)

    recorded = await client.post(
        f"{path}/erasure-requests", json={"channel": "email"}, headers=staff
    )
    assert recorded.status_code == 201, recorded.text
    request = recorded.json()
    received, due = (datetime.fromisoformat(request[k]) for k in ("received_at", "due_at"))
    assert (due - received).days in (28, 29, 30, 31)  # one month (art. 12(3))
    assert request["status"] == "pending" and request["overdue"] is False
    again = await client.post(f"{path}/erasure-requests", json={"channel": "email"}, headers=staff)
    refused(again, 409, "conflict", detail="An erasure request is pending on this case already.")
    decision = f"{path}/erasure-requests/{request['id']}/decision"
    reason = "The complainant asked for it and nothing requires us to keep it."
    # An open case, and a legal hold, block it; a refusal needs its ground.
    response = await client.post(
        decision, json={"decision": "execute", "reason": reason}, headers=staff
    )
    refused(
        response,
        409,
        "conflict",
        detail="The case is open: withdraw or close it before erasing it.",
    )
    await act(client, staff, cid, "withdraw")
    hold = await client.put(
        f"{path}/legal-hold", json={"reason": "Court proceedings are pending."}, headers=head
    )
    assert hold.status_code == 200
    response = await client.post(
        decision, json={"decision": "execute", "reason": reason}, headers=staff
    )
    refused(
        response,
        409,
        "conflict",
        detail="A legal hold is set on this case: it cannot be erased.",
    )
    response = await client.post(
        decision, json={"decision": "refuse", "reason": reason}, headers=staff
    )
    body = refused(
        response,
        422,
        "validation-error",
        detail="A refusal names its ground of GDPR art. 17(3).",
    )
    assert body["errors"] == [
        {"field": "body.ground", "message": "required to refuse", "type": "missing"}
    ]
    await client.post(
        f"{path}/legal-hold/release", json={"reason": "The proceedings ended."}, headers=head
    )
    response = await client.post(
        decision, json={"decision": "execute", "reason": reason}, headers=staff
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "executed"

    case = (await client.get(path, headers=staff)).json()
    assert case["description"] == "[erased]" and case["contact"] is None
    assert case["named_persons"] is None and case["rights_affected"]  # codes stay
    for table in (
        "complainant_contacts",
        "named_persons",
        "complainant_characteristics",
        "attachments",
    ):
        assert (
            db.execute(
                f"SELECT count(*) AS n FROM {table} WHERE complaint_id = %s",  # noqa: S608
                (cid,),
            ).fetchone()["n"]
            == 0
        ), table
    bodies = [
        r["body"] for r in db.execute("SELECT body FROM messages WHERE complaint_id = %s", (cid,))
    ]
    assert bodies == ["[erased]"]
    assert "Amina" not in json.dumps(
        db.execute("SELECT * FROM complaints WHERE id = %s", (cid,)).fetchone(), default=str
    )
    # The statistics follow: once folded, the case counts as not stated.
    await fold_all(database_url)
    facts = db.execute("SELECT sex_gender FROM stat_facts WHERE complaint_id = %s", (cid,))
    assert facts.fetchone()["sex_gender"] == "not_stated"
    # Decided is decided.
    response = await client.post(
        decision, json={"decision": "execute", "reason": reason}, headers=staff
    )
    refused(response, 409, "conflict", detail="This request was executed already.")
    assert (await client.get(f"{path}/erasure-requests", headers=mine)).status_code == 403


async def test_a_refused_erasure_names_its_ground_and_keeps_the_data(
    client: httpx.AsyncClient, auth: Any, db: Any
) -> None:
    filed = (
        await client.post(
            "/v1/complaints",
            json=complaint_body(contact={"name": "Amina Yusuf", "email": "amina@example.org"}),
        )
    ).json()
    path, staff = f"/v1/complaints/{filed['id']}", auth("ombudsperson_staff")
    request = (
        await client.post(f"{path}/erasure-requests", json={"channel": "written"}, headers=staff)
    ).json()
    # The month it is due in shows among the office's deadlines, until it is answered.
    due = {"kind": "erasure_request", "within_days": 40}
    listed = (await client.get("/v1/deadlines", params=due, headers=staff)).json()["items"]
    assert [(i["complaint_id"], i["item_id"]) for i in listed] == [(filed["id"], request["id"])]
    # A ground goes with a refusal only; an unknown request is not found.
    mixed = await client.post(
        f"{path}/erasure-requests/{request['id']}/decision",
        json={"decision": "execute", "ground": "legal_claims", "reason": "Both at once?"},
        headers=staff,
    )
    body = refused(
        mixed,
        422,
        "validation-error",
        detail="A ground of art. 17(3) is a reason to refuse, not to erase.",
    )
    assert body["errors"] == [
        {"field": "body.ground", "message": "only to refuse", "type": "value_error"}
    ]
    unknown = await client.post(
        f"{path}/erasure-requests/987654/decision",
        json={"decision": "refuse", "ground": "legal_claims", "reason": "No such request."},
        headers=staff,
    )
    refused(unknown, 404, "not-found", detail="No erasure request with this id on this case.")
    response = await client.post(
        f"{path}/erasure-requests/{request['id']}/decision",
        json={
            "decision": "refuse",
            "ground": "legal_claims",
            "reason": "The city is defending a claim over this eviction in court.",
        },
        headers=staff,
    )
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["ground"]) == ("refused", "legal_claims")
    case = (await client.get(path, headers=staff)).json()
    assert case["contact"]["name"] == "Amina Yusuf"
    listed = (await client.get(f"{path}/erasure-requests", headers=staff)).json()["requests"]
    assert [r["status"] for r in listed] == ["refused"]
    assert (await client.get("/v1/deadlines", params=due, headers=staff)).json()["items"] == []


async def test_an_executed_erasure_leaves_no_text_and_no_file_of_the_case(
    client: httpx.AsyncClient, auth: Any, db: Any, settings: Any
) -> None:
    """Negative control over everything that hangs off a case: the hearing, the record, the
    remedy, the investigation's step and the file on disk go with the erasure."""
    from app.attachments.storage import LocalStorage
    from app.taxonomy import Track
    from tests.world import World

    storage = LocalStorage(settings.attachments_dir)
    world = World(client, db, auth, storage)
    case = await world.case(Track.ombudsperson, "closed")
    cid = case.id
    db.execute(
        "UPDATE hearings SET minutes = 'Jonas Weber said he saw it.', outcome = 'Heard Jonas.' "
        "WHERE complaint_id = %s",
        (cid,),
    )
    db.execute(
        "UPDATE investigation_steps SET answer = 'The file of Jonas Weber.', "
        "answered_at = now(), answered_by = 'clerk' WHERE complaint_id = %s",
        (cid,),
    )
    stored = storage._path(uuid.UUID(case.children["attachment"]))
    assert stored.exists()
    response = await client.post(
        f"/v1/complaints/{cid}/erasure-requests/{case.children['erasure_request']}/decision",
        json={"decision": "execute", "reason": "Asked for in writing by the complainant."},
        headers=auth("ombudsperson_staff"),
    )
    assert response.status_code == 200, response.text
    assert not stored.exists()
    texts = {
        "hearings": "SELECT location, minutes, outcome FROM hearings",
        "report_records": "SELECT transcript, reporter_comment FROM report_records",
        "remedies": "SELECT description FROM remedies",
        "investigation_steps": "SELECT summary, details, answer FROM investigation_steps",
        "investigations": "SELECT plan FROM investigations",
        "findings": "SELECT public_summary, internal_reasoning FROM findings",
        "messages": "SELECT body FROM messages",
    }
    for table, query in texts.items():
        for row in db.execute(f"{query} WHERE complaint_id = %s", (cid,)).fetchall():
            assert set(row.values()) <= {"[erased]", None}, (table, row)
