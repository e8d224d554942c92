"""A complainant exports everything held about them; nobody else can. Erasure: asked for by the
complainant or recorded by staff, extended once with reasons, decided by a head (four eyes),
complete."""

from __future__ import annotations

import hmac
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg import sql

from tests.conftest import TEST_SECRETS, act, complaint_body, fold_all, refused, tables_holding


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


async def test_the_export_names_purposes_recipients_disclosures_and_retention(
    client: httpx.AsyncClient, auth: Any, db: Any, settings: Any
) -> None:
    """GDPR art. 15(1): (a) purposes, (c) recipients, here the department an information request
    and a remedy went to and the officer who saw the reporter's identity, (d) the retention."""
    from app.attachments.storage import LocalStorage
    from app.taxonomy import Track
    from tests.world import OWNER, World

    world = World(client, db, auth, LocalStorage(settings.attachments_dir))
    case = await world.case(Track.anti_corruption, "closed", reveal="approved")
    cid = case.id
    db.execute(
        "UPDATE complaints SET retention_until = '2031-06-30T00:00:00Z' WHERE id = %s", (cid,)
    )
    look = await client.get(
        f"/v1/complaints/{cid}/identity-requests/{case.children['identity_request']}/identity",
        headers=auth("oversight_officer", sub="oversight_officer"),
    )
    assert look.status_code == 200, look.text
    export = await client.get(f"/v1/complaints/{cid}/export", headers=auth("resident", sub=OWNER))
    assert export.status_code == 200, export.text
    body = export.json()
    assert [(r["kind"], r["name"]) for r in body["recipients"]] == [
        ("department", "housing"),  # the information request
        ("department", "housing"),  # the remedy
        ("identity_disclosure", "oversight_officer"),
    ]
    assert body["recipients"][2]["what"] == (
        "Your identity, disclosed on the legal basis: Court order 12/2026"
    )
    assert body["retention_until"].startswith("2031-06-30")
    assert body["retention"].startswith(
        "Kept 5 years after the case closes with findings, 2 years after any other ending"
    )
    assert [p.split(":")[0] for p in body["purposes"]] == [
        "Handling your complaint",
        "Keeping the record of the case the law requires for the retention period, then "
        "deleting it (EU Directive 2019/1937 art. 18; GDPR art. 5(1)(e)).",
        "Anonymized statistics for the office's annual report and the monitoring body",
    ]


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
    # Staff record and prepare; a head decides, and never the one who recorded the request.
    response = await client.post(
        decision, json={"decision": "execute", "reason": reason}, headers=staff
    )
    refused(
        response,
        403,
        "forbidden",
        detail="This needs one of these roles: ombudsperson, oversight_head.",
    )
    staff_and_head = auth("ombudsperson", sub=request["recorded_by"])
    response = await client.post(
        decision, json={"decision": "execute", "reason": reason}, headers=staff_and_head
    )
    refused(
        response,
        403,
        "forbidden",
        detail="Four eyes: whoever recorded an erasure request does not decide it.",
    )
    # An open case, and a legal hold, block it; a refusal needs its ground.
    response = await client.post(
        decision, json={"decision": "execute", "reason": reason}, headers=head
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
        decision, json={"decision": "execute", "reason": reason}, headers=head
    )
    refused(
        response,
        409,
        "conflict",
        detail="A legal hold is set on this case: it cannot be erased.",
    )
    response = await client.post(
        decision, json={"decision": "refuse", "reason": reason}, headers=head
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
        decision, json={"decision": "execute", "reason": reason}, headers=head
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
        r["body"]
        for r in db.execute("SELECT body FROM messages WHERE complaint_id = %s ORDER BY id", (cid,))
    ]
    assert bodies[0] == "[erased]" and len(bodies) == 2  # and the notice of the erasure
    assert "Amina" not in json.dumps(
        db.execute("SELECT * FROM complaints WHERE id = %s", (cid,)).fetchone(), default=str
    )
    # The statistics follow: once folded, the case counts as not stated (what was counted came
    # off from the sealed copy the aggregate kept, which goes too).
    await fold_all(database_url)
    facts = db.execute(
        "SELECT traits_key, traits_sealed FROM stat_facts WHERE complaint_id = %s", (cid,)
    )
    assert facts.fetchone() == {"traits_key": None, "traits_sealed": None}
    cells = db.execute(
        "SELECT val_a, sum(n) AS n FROM stat_cells WHERE dim_a = 'sex_gender' AND dim_b = '' "
        "GROUP BY val_a ORDER BY val_a"
    ).fetchall()
    assert [(c["val_a"], c["n"]) for c in cells] == [("not_stated", 1), ("woman", 0)]
    # Decided is decided.
    response = await client.post(
        decision, json={"decision": "execute", "reason": reason}, headers=head
    )
    refused(response, 409, "conflict", detail="This request was executed already.")
    # The complainant sees the answer, and was told in the thread (the notice outlives the
    # erasure it reports).
    seen = (await client.get(f"{path}/erasure-requests", headers=mine)).json()["requests"]
    assert [(r["status"], r["decision_reason"]) for r in seen] == [("executed", reason)]
    thread = (await client.get(f"{path}/messages", headers=mine)).json()["items"]
    assert [m["body"] for m in thread] == [
        "[erased]",
        "Your personal data in this case has been erased, as you asked: the texts, files, "
        "contact details and characteristics are gone. " + reason,
    ]


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
    head = auth("ombudsperson", sub="head")
    mixed = await client.post(
        f"{path}/erasure-requests/{request['id']}/decision",
        json={"decision": "execute", "ground": "legal_claims", "reason": "Both at once?"},
        headers=head,
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
        headers=head,
    )
    refused(unknown, 404, "not-found", detail="No erasure request with this id on this case.")
    response = await client.post(
        f"{path}/erasure-requests/{request['id']}/decision",
        json={
            "decision": "refuse",
            "ground": "legal_claims",
            "reason": "The city is defending a claim over this eviction in court.",
        },
        headers=head,
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
        headers=auth("ombudsperson", sub="head"),
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
        # The notice of the erasure, written after it, is the one message left to read.
        "messages": "SELECT body FROM messages WHERE author_role <> 'ombudsperson' AND",
    }
    for table, query in texts.items():
        where = "complaint_id = %s" if query.endswith("AND") else "WHERE complaint_id = %s"
        for row in db.execute(f"{query} {where}", (cid,)).fetchall():
            assert set(row.values()) <= {"[erased]", None}, (table, row)


# What an erasure keeps on purpose: who on the office's side did what, and codes; everything
# else that is text in a case's tables must be gone afterwards (a new column fails the test
# below until the erasure covers it or it is added here with its reason).
KEPT = {
    "complaints": {"reference", "language", "handler_subject", "referred_to", "department"}
    | {"legal_hold_by", "reporter_alias", "complainant_subject"},
    "classifications": {"classified_by"},  # the staff member who classified the case
    "erasure_requests": {"channel", "decided_by", "decision_reason", "recorded_by"}
    | {"recorded_role", "extended_by", "extension_reason"},  # the office's answer, on record
    "findings": {"communicated_by", "drafted_by"},
    "hearings": {"created_by"},
    "identity_reveal_requests": {"decided_by", "requested_by"},
    "investigation_steps": {"answered_by", "created_by", "department"},
    "investigations": {"opened_by"},
    "mediation_attempts": {"mediator", "recorded_by"},
    "messages": {"author_role", "author_subject"},
    "protection_measures": {"decided_by"},
    "recusals": {"recorded_by", "subject"},
    "redactions": {"redacted_by"},
    "remedies": {"assessed_by", "created_by", "department", "responded_by"},
    "remedy_reports": {"reported_by"},
    "report_records": {"recorded_by"},
    "timeline_entries": {"about_subject", "actor_role", "actor_subject"},
}
# Tables of codes only (statistics, the changes the statistics fold), never of text.
CODES_ONLY = {"stat_facts", "stat_changes", "outbox_events"}


def _plant_markers(db: Any, cid: str) -> list[str]:
    """Every free-text column of every table of the case, set to a marker of its own where the
    case has a row (and where a value may stand, also where it was empty)."""
    columns = db.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND data_type = 'text' AND domain_name IS NULL "
        "AND (table_name IN (SELECT table_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND column_name = 'complaint_id') "
        "OR table_name IN ('complaints', 'remedy_reports')) ORDER BY 1, 2"
    ).fetchall()
    markers = []
    for n, col in enumerate(columns):
        table, column = col["table_name"], col["column_name"]
        if table in CODES_ONLY or column in KEPT.get(table, set()):
            continue
        where = {
            "complaints": "id = %(cid)s",
            "remedy_reports": "remedy_id IN (SELECT id FROM remedies WHERE complaint_id = %(cid)s)",
        }.get(table, "complaint_id = %(cid)s")
        marker = f"QZX{n:03d}-{table}.{column}"
        update = sql.SQL("UPDATE {t} SET {c} = %(m)s WHERE {w}").format(
            t=sql.Identifier(table), c=sql.Identifier(column), w=sql.SQL(where)
        )
        try:
            db.execute(update, {"m": marker, "cid": cid})
        except psycopg.errors.IntegrityError:  # a value may not stand there: only where one does
            db.execute(
                update + sql.SQL(" AND {c} IS NOT NULL").format(c=sql.Identifier(column)),
                {"m": marker, "cid": cid},
            )
        if tables_holding(db, marker):
            markers.append(marker)
    return markers


def _files_holding(directory: Path, needle: bytes) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file() and needle in p.read_bytes()]


async def test_nothing_of_an_erased_case_is_left_in_any_table_or_file(
    client: httpx.AsyncClient, auth: Any, db: Any, settings: Any
) -> None:
    """The acceptance test of erasure: a case with one of everything, every free text of it
    marked, a file uploaded; after the erasure a scan of every column of every table finds no
    marker and no account id, and no stored file holds what was uploaded."""
    from app.attachments.storage import LocalStorage
    from app.taxonomy import Track
    from tests.world import OWNER, World

    world = World(client, db, auth, LocalStorage(settings.attachments_dir))
    case = await world.case(Track.ombudsperson, "closed")
    cid = case.id
    db.execute(
        "INSERT INTO remedy_reports (remedy_id, kind, text, evidence, reported_by) "
        "VALUES (%s, 'progress', 'Paid.', 'Receipt 12.', 'clerk')",
        (case.children["remedy"],),
    )
    db.execute(
        "INSERT INTO timeline_entries (complaint_id, actor_subject, actor_role, action, "
        "from_status, to_status, reason, visible_to_complainant) "
        "VALUES (%s, %s, 'resident', 'withdraw', 'closed', 'closed', 'Moved away.', true)",
        (cid, OWNER),
    )
    uploaded = b"QZX-file: the landlord's letter to the complainant."
    mine = auth("resident", sub=OWNER)
    upload = await client.post(
        f"/v1/complaints/{cid}/attachments",
        content=uploaded,
        params={"filename": "letter.txt", "attach_to": "complaint"},
        headers={**mine, "content-type": "text/plain"},
    )
    assert upload.status_code == 409  # closed: the file goes in through the store instead
    await world.storage.put(uuid.UUID(case.children["attachment"]), uploaded)
    markers = _plant_markers(db, cid)
    # Every kind of text the case holds was marked (the world builds one of everything).
    assert len(markers) >= 30, markers
    assert tables_holding(db, OWNER) == {
        "complaints": 1,
        "timeline_entries": 2,  # the filing and the withdrawal
    }

    response = await client.post(
        f"/v1/complaints/{cid}/erasure-requests/{case.children['erasure_request']}/decision",
        json={"decision": "execute", "reason": "Asked for in writing by the complainant."},
        headers=auth("ombudsperson", sub="head"),
    )
    assert response.status_code == 200, response.text

    left = {marker: tables_holding(db, marker) for marker in markers}
    assert {marker: found for marker, found in left.items() if found} == {}
    assert tables_holding(db, OWNER) == {}
    assert _files_holding(Path(settings.attachments_dir), b"QZX-file") == []
    # The account is named by its keyed pseudonym where it acted.
    key = TEST_SECRETS["receipt_key"].encode()
    pseudonym = "resident-" + hmac.new(key, b"account:" + OWNER.encode(), "sha256").hexdigest()[:16]
    actors = db.execute(
        "SELECT actor_subject FROM timeline_entries WHERE complaint_id = %s AND "
        "actor_role = 'resident' ORDER BY id",
        (cid,),
    ).fetchall()
    assert [a["actor_subject"] for a in actors] == [pseudonym, pseudonym]


async def test_the_complainant_asks_for_erasure_and_a_head_answers(
    client: httpx.AsyncClient, auth: Any, receipt_headers: Any, file_complaint: Any
) -> None:
    filed = await file_complaint()
    path = f"/v1/complaints/{filed['id']}/erasure-requests"
    mine = await receipt_headers(filed)
    by_phone = await client.post(path, json={"channel": "phone"}, headers=mine)
    body = refused(
        by_phone, 422, "validation-error", detail="A request made here is an online one."
    )
    assert body["errors"] == [
        {"field": "body.channel", "message": "only `online`", "type": "value_error"}
    ]
    asked = await client.post(path, json={}, headers=mine)
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert (request["channel"], request["recorded_role"], request["status"]) == (
        "online",
        "complainant",
        "pending",
    )
    assert request["recorded_by"] == f"receipt:{filed['reference']}"
    staff_without_channel = await client.post(path, json={}, headers=auth("ombudsperson_staff"))
    body = refused(
        staff_without_channel,
        422,
        "validation-error",
        detail="Say how the request reached the office.",
    )
    assert body["errors"] == [{"field": "body.channel", "message": "required", "type": "missing"}]
    # Nobody else's: another complainant's receipt does not reach this case.
    other = await file_complaint()
    stranger = await client.get(path, headers=await receipt_headers(other))
    refused(stranger, 404, "not-found")
    # The case is open: a head refuses on a ground, and the complainant reads why.
    head = auth("ombudsperson", sub="head")
    reason = "The investigation of the eviction is still running and needs the file."
    decided = await client.post(
        f"{path}/{request['id']}/decision",
        json={"decision": "refuse", "ground": "public_interest", "reason": reason},
        headers=head,
    )
    assert decided.status_code == 200, decided.text
    seen = (await client.get(path, headers=mine)).json()["requests"]
    assert [(r["status"], r["ground"], r["decision_reason"]) for r in seen] == [
        ("refused", "public_interest", reason)
    ]
    thread = (await client.get(f"/v1/complaints/{filed['id']}/messages", headers=mine)).json()
    assert [m["body"] for m in thread["items"]] == [
        "Your request to erase your personal data in this case is refused, on the ground of "
        f"GDPR art. 17(3) `public_interest`: {reason} You may complain to the data protection "
        "authority."
    ]


async def test_staff_who_also_file_as_residents_record_requests_as_staff(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    """A token with a staff role and a resident role: a request received by phone is recorded
    by the staff member, in their staff role (not as a resident asking for themselves)."""
    filed = await file_complaint()
    both = auth("ombudsperson_staff", "resident", sub="kim")
    recorded = await client.post(
        f"/v1/complaints/{filed['id']}/erasure-requests", json={"channel": "phone"}, headers=both
    )
    assert recorded.status_code == 201, recorded.text
    assert (recorded.json()["recorded_by"], recorded.json()["recorded_role"]) == (
        "kim",
        "ombudsperson_staff",
    )


async def test_the_deadline_extends_once_by_two_months_at_most_with_reasons(
    client: httpx.AsyncClient, auth: Any, receipt_headers: Any, file_complaint: Any, db: Any
) -> None:
    from datetime import datetime

    filed = await file_complaint()
    path = f"/v1/complaints/{filed['id']}/erasure-requests"
    mine = await receipt_headers(filed)
    request = (await client.post(path, json={}, headers=mine)).json()
    extension = f"{path}/{request['id']}/extension"
    staff = auth("ombudsperson_staff")
    reason = "The paper file is in the city archive and must be retrieved."
    too_long = await client.post(extension, json={"months": 3, "reason": reason}, headers=staff)
    refused(too_long, 422, "validation-error", field="body.months")
    by_complainant = await client.post(
        extension, json={"months": 1, "reason": reason}, headers=mine
    )
    refused(by_complainant, 403, "forbidden")
    extended = await client.post(extension, json={"months": 2, "reason": reason}, headers=staff)
    assert extended.status_code == 200, extended.text
    body = extended.json()
    received, due = (datetime.fromisoformat(body[k]) for k in ("received_at", "due_at"))
    assert (due.year * 12 + due.month) - (received.year * 12 + received.month) == 3
    assert (body["extension_reason"], body["status"]) == (reason, "pending")
    again = await client.post(extension, json={"months": 1, "reason": reason}, headers=staff)
    refused(
        again,
        409,
        "conflict",
        detail="The deadline was extended already: art. 12(3) allows it once.",
    )
    thread = (await client.get(f"/v1/complaints/{filed['id']}/messages", headers=mine)).json()
    [notice] = [m["body"] for m in thread["items"]]
    assert notice == (
        f"The answer to your request to erase your personal data will come by "
        f"{due:%d %B %Y}, not within one month: {reason}"
    )
    # Past the month, it is too late to extend.
    late = (await client.post(path, json={"channel": "email"}, headers=staff)).status_code
    assert late == 409  # one pending request per case
    db.execute(
        "UPDATE erasure_requests SET extended_at = NULL, extension_reason = NULL, "
        "due_at = now() - interval '1 day' WHERE id = %s",
        (request["id"],),
    )
    overdue = await client.post(extension, json={"months": 1, "reason": reason}, headers=staff)
    refused(
        overdue, 409, "conflict", detail="The deadline has passed: it can no longer be extended."
    )
