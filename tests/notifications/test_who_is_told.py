"""Who is told what: each change writes its notification rows in its own transaction (kind,
recipient by role and reference, the complainant's language), nothing for an anonymous case, and
nothing when the change is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.conftest import act, recommend, refused, set_status, write_findings

CONTACT = {"name": "Amina", "email": "amina@example.org"}
SOON = (datetime.now(UTC) + timedelta(days=7)).replace(microsecond=0)
HEARING = {
    "scheduled_at": SOON.isoformat(),
    "mode": "in_person",
    "location": "City Hall, room 2",
    "participants": [{"role": "complainant"}],
}


def told(db: Any, complaint_id: str, *, filing: bool = False) -> list[tuple[str, str, str]]:
    """The case's notification rows, oldest first: (kind, recipient, language); those after the
    filing's own (`filing_received`, tested on its own below) unless `filing`."""
    rows = db.execute(
        "SELECT kind, recipient, language, complaint_id::text AS cid, status FROM notifications "
        "WHERE complaint_id = %s AND (kind <> 'filing_received' OR %s) ORDER BY id",
        (complaint_id, filing),
    ).fetchall()
    assert all(r["cid"] == complaint_id and r["status"] == "pending" for r in rows)
    return [(r["kind"], r["recipient"], r["language"]) for r in rows]


async def _etag(client: httpx.AsyncClient, headers: dict[str, str], cid: str) -> str:
    return (await client.get(f"/v1/complaints/{cid}", headers=headers)).headers["etag"]


async def test_acknowledgement_tells_the_complainant_in_their_language(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    staff = auth("ombudsperson_staff")
    french = await file_complaint(contact=CONTACT, language="fr")
    german = await file_complaint(contact=CONTACT, language="de")
    arabic = await file_complaint(contact=CONTACT, language="ar")
    anonymous = await file_complaint()
    assert [told(db, c["id"]) for c in (french, german, arabic, anonymous)] == [[], [], [], []]
    for case in (french, german, arabic, anonymous):
        await act(client, staff, case["id"], "acknowledge")
    assert told(db, french["id"]) == [("acknowledged", "complainant", "fr")]
    assert told(db, german["id"]) == [("acknowledged", "complainant", "en")]
    assert told(db, arabic["id"]) == [("acknowledged", "complainant", "ar")]
    assert told(db, anonymous["id"]) == []
    # A transition that neither acknowledges nor gives feedback tells nobody.
    await act(client, staff, french["id"], "start_assessment")
    assert told(db, french["id"]) == [("acknowledged", "complainant", "fr")]


async def test_the_filing_is_told_only_to_whoever_gave_an_email_and_chose_it(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    french = await file_complaint(contact=CONTACT, language="fr")
    german = await file_complaint(contact={**CONTACT, "preferred_channel": "email"}, language="de")
    by_phone = await file_complaint(contact={**CONTACT, "preferred_channel": "phone"})
    no_email = await file_complaint(contact={"phone": "+33 1 23 45 67 89"})
    anonymous = await file_complaint()
    # A signed-in resident who gave no contact is not anonymous, but has no email to be told at.
    resident = await file_complaint(headers=auth("resident", sub="resident-7"), language="es")
    assert told(db, french["id"], filing=True) == [("filing_received", "complainant", "fr")]
    assert told(db, german["id"], filing=True) == [("filing_received", "complainant", "en")]
    for case in (by_phone, no_email, anonymous, resident):
        assert told(db, case["id"], filing=True) == []
    emails = {
        c["id"]: db.execute(
            "SELECT email_updates FROM complaints WHERE id = %s", (c["id"],)
        ).fetchone()["email_updates"]
        for c in (french, german, by_phone, no_email, anonymous, resident)
    }
    # Another channel chosen: off, which they may turn on; no email: never.
    assert list(emails.values()) == [True, True, False, None, None, None]
    # Nothing after the filing reaches those who are not emailed either.
    for case in (by_phone, resident):
        await act(client, auth("ombudsperson_staff"), case["id"], "acknowledge")
        assert told(db, case["id"], filing=True) == []


async def test_feedback_and_decisions_that_give_it_tell_the_complainant(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    staff, head = auth("ombudsperson_staff"), auth("ombudsperson")
    filed = await file_complaint(contact=CONTACT)
    anonymous = await file_complaint()
    for case in (filed, anonymous):
        set_status(db, case["id"], "under_investigation")
        await act(client, staff, case["id"], "give_feedback", reason="We asked for the file.")
    assert told(db, filed["id"]) == [("feedback_given", "complainant", "en")]
    assert told(db, anonymous["id"]) == []
    inadmissible = await file_complaint(contact=CONTACT, language="fr")
    set_status(db, inadmissible["id"], "under_assessment")
    await act(client, head, inadmissible["id"], "declare_inadmissible")
    assert told(db, inadmissible["id"]) == [("feedback_given", "complainant", "fr")]
    withdrawn = await file_complaint(contact=CONTACT)
    await act(client, staff, withdrawn["id"], "withdraw")
    assert told(db, withdrawn["id"]) == []


async def test_a_refused_transition_tells_nobody(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    staff, head = auth("ombudsperson_staff"), auth("ombudsperson")
    filed = await file_complaint(contact=CONTACT)
    etag = await _etag(client, staff, filed["id"])
    await act(client, staff, filed["id"], "acknowledge")
    stale = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={"action": "give_feedback", "reason": "Still looking into it."},
        headers={**staff, "If-Match": etag},
    )
    refused(stale, 412, "precondition-failed")
    # A guard refuses: no remedy recommended, so the departments are told nothing either.
    await write_findings(client, db, head, filed["id"])
    etag = await _etag(client, head, filed["id"])
    guarded = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={"action": "recommend_remedies"},
        headers={**head, "If-Match": etag},
    )
    refused(guarded, 409, "guard-failed")
    assert told(db, filed["id"]) == [("acknowledged", "complainant", "en")]


async def test_the_new_handler_is_told_of_an_assignment(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    head = auth("ombudsperson", sub="head")
    filed = await file_complaint()  # anonymous: the handler is told all the same
    path = f"/v1/complaints/{filed['id']}/handler"
    first = await _etag(client, head, filed["id"])
    assigned = await client.put(
        path, json={"handler": "handler-1"}, headers={**head, "If-Match": first}
    )
    assert assigned.status_code == 200, assigned.text
    stale = await client.put(
        path,
        json={"handler": "handler-2", "reason": "Workload."},
        headers={**head, "If-Match": first},
    )
    refused(stale, 412, "precondition-failed")
    same = await client.put(
        path, json={"handler": "handler-1"}, headers={**head, "If-Match": assigned.headers["etag"]}
    )
    assert same.status_code == 200 and same.json()["entry"] is None  # nothing changes
    moved = await client.put(
        path,
        json={"handler": "handler-2", "reason": "Workload."},
        headers={**head, "If-Match": same.headers["etag"]},
    )
    assert moved.status_code == 200, moved.text
    cleared = await client.put(
        path,
        json={"handler": None, "reason": "On leave."},
        headers={**head, "If-Match": moved.headers["etag"]},
    )
    assert cleared.status_code == 200, cleared.text
    assert told(db, filed["id"]) == [
        ("assigned", "staff:handler-1", "en"),
        ("assigned", "staff:handler-2", "en"),
    ]


async def test_messages_tell_the_other_side_and_internal_notes_nobody(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any, receipt_headers: Any
) -> None:
    staff = auth("ombudsperson_staff", sub="handler-1")
    filed = await file_complaint(contact=CONTACT, language="ar")
    path = f"/v1/complaints/{filed['id']}/messages"
    mine = await receipt_headers(filed)
    unassigned = await client.post(path, json={"body": "Any news?"}, headers=mine)
    assert unassigned.status_code == 201, unassigned.text
    assert told(db, filed["id"]) == []  # no handler yet: nobody to tell
    db.execute("UPDATE complaints SET handler_subject = 'handler-1' WHERE id = %s", (filed["id"],))
    for body, headers in (
        ({"body": "Here is the letter."}, mine),
        ({"body": "We have written to housing."}, staff),
        ({"body": "Call housing on Monday.", "internal": True}, staff),
    ):
        response = await client.post(path, json=body, headers=headers)
        assert response.status_code == 201, response.text
    assert told(db, filed["id"]) == [
        ("message_from_complainant", "staff:handler-1", "en"),
        ("message_from_office", "complainant", "ar"),
    ]
    # A message refused (the case finished) tells nobody.
    set_status(db, filed["id"], "closed")
    late = await client.post(path, json={"body": "One more thing."}, headers=mine)
    refused(late, 409, "conflict")
    assert len(told(db, filed["id"])) == 2


async def test_an_anonymous_complainant_is_never_told_but_the_handler_is(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any, receipt_headers: Any
) -> None:
    staff = auth("ombudsperson_staff", sub="handler-1")
    filed = await file_complaint()
    db.execute("UPDATE complaints SET handler_subject = 'handler-1' WHERE id = %s", (filed["id"],))
    path = f"/v1/complaints/{filed['id']}/messages"
    for body, headers in (
        ({"body": "We have written to housing."}, staff),
        ({"body": "Thank you."}, await receipt_headers(filed)),
    ):
        response = await client.post(path, json=body, headers=headers)
        assert response.status_code == 201, response.text
    assert told(db, filed["id"]) == [("message_from_complainant", "staff:handler-1", "en")]


async def test_a_signed_in_resident_and_the_office_tell_each_other(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    resident = auth("resident", sub="resident-9")
    filed = await file_complaint(headers=resident, contact=CONTACT, language="es")
    db.execute("UPDATE complaints SET handler_subject = 'handler-2' WHERE id = %s", (filed["id"],))
    path = f"/v1/complaints/{filed['id']}/messages"
    for headers in (resident, auth("ombudsperson_staff", sub="handler-2")):
        response = await client.post(path, json={"body": "A word."}, headers=headers)
        assert response.status_code == 201, response.text
    assert told(db, filed["id"]) == [
        ("message_from_complainant", "staff:handler-2", "en"),
        ("message_from_office", "complainant", "es"),
    ]
    # A resident who gave no email is not told of the office's message; the handler still is.
    unreachable = await file_complaint(headers=resident, language="es")
    db.execute(
        "UPDATE complaints SET handler_subject = 'handler-2' WHERE id = %s", (unreachable["id"],)
    )
    for headers in (resident, auth("ombudsperson_staff", sub="handler-2")):
        response = await client.post(
            f"/v1/complaints/{unreachable['id']}/messages",
            json={"body": "A word."},
            headers=headers,
        )
        assert response.status_code == 201, response.text
    assert told(db, unreachable["id"]) == [("message_from_complainant", "staff:handler-2", "en")]


async def test_hearings_scheduled_moved_and_cancelled_are_told(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    staff = auth("ombudsperson_staff")
    filed = await file_complaint(contact=CONTACT, language="fr")
    anonymous = await file_complaint()
    for case in (filed, anonymous):
        set_status(db, case["id"], "under_investigation")
        path = f"/v1/complaints/{case['id']}/hearings"
        created = [await client.post(path, json=HEARING, headers=staff) for _ in range(2)]
        assert [c.status_code for c in created] == [201, 201], created[0].text
        first, second = (c.json() for c in created)
        later = (SOON + timedelta(days=3)).isoformat()
        moved = await client.post(
            f"{path}/{first['id']}/reschedule",
            json={"scheduled_at": later, "reason": "The witness is ill."},
            headers=staff,
        )
        assert moved.status_code == 200, moved.text
        cancelled = await client.post(
            f"{path}/{first['id']}/cancel", json={"reason": "Settled."}, headers=staff
        )
        assert cancelled.status_code == 200, cancelled.text
        held = await client.post(
            f"{path}/{second['id']}/record",
            json={"minutes": "Both heard.", "outcome": "Facts agreed."},
            headers=staff,
        )
        assert held.status_code == 200, held.text  # held: nothing to tell
        again = await client.post(
            f"{path}/{first['id']}/reschedule",
            json={"scheduled_at": later, "reason": "Once more."},
            headers=staff,
        )
        refused(again, 409, "conflict")
    assert told(db, filed["id"]) == [
        ("hearing_scheduled", "complainant", "fr"),
        ("hearing_scheduled", "complainant", "fr"),
        ("hearing_changed", "complainant", "fr"),
        ("hearing_cancelled", "complainant", "fr"),
    ]
    assert told(db, anonymous["id"]) == []


async def _issued(client: httpx.AsyncClient, db: Any, head: dict[str, str], cid: str) -> None:
    """Findings written after an investigation step, then issued by the workflow."""
    path = f"/v1/complaints/{cid}/investigation"
    set_status(db, cid, "under_investigation")
    plan = await client.put(path, json={"plan": "Read the file."}, headers=head)
    assert plan.status_code == 200, plan.text
    step = await client.post(
        f"{path}/steps", json={"kind": "interview", "summary": "Met them."}, headers=head
    )
    assert step.status_code == 201, step.text
    await write_findings(client, db, head, cid)
    set_status(db, cid, "under_investigation")
    await act(client, head, cid, "issue_findings")


async def test_issued_findings_and_their_communication_are_told_once(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    head = auth("ombudsperson")
    filed = await file_complaint(contact=CONTACT, language="es")
    anonymous = await file_complaint()
    for case in (filed, anonymous):
        await _issued(client, db, head, case["id"])
        path = f"/v1/complaints/{case['id']}/findings/communication"
        sent = await client.post(path, json={"channel": "email"}, headers=head)
        assert sent.status_code == 200, sent.text
        again = await client.post(path, json={"channel": "email"}, headers=head)
        refused(again, 409, "conflict")
    assert told(db, filed["id"]) == [
        ("feedback_given", "complainant", "es"),
        ("decision_communicated", "complainant", "es"),
    ]
    assert told(db, anonymous["id"]) == []


async def test_the_reporter_is_told_before_a_disclosure_only_when_told_in_writing(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    officer = auth("oversight_officer", sub="officer-1")
    custodian = auth("oversight_head", sub="custodian-1")
    request = {"motivation": "The only witness of the meeting.", "legal_basis": "Court order 88"}
    decisions = [
        {"decision": "approved", "reason": "Ordered by the court."},
        {"decision": "refused", "reason": "Not necessary."},
        {
            "decision": "approved",
            "reason": "Ordered by the court.",
            "notify_reporter": False,
            "no_notice_reason": "Telling the reporter would warn the suspects.",
        },
    ]
    cases = []
    for decision in decisions:
        filed = await file_complaint(track="anti_corruption", contact=CONTACT, language="fr")
        path = f"/v1/complaints/{filed['id']}/identity-requests"
        asked = await client.post(path, json=request, headers=officer)
        assert asked.status_code == 201, asked.text
        decided = await client.post(
            f"{path}/{asked.json()['id']}/decision", json=decision, headers=custodian
        )
        assert decided.status_code == 200, decided.text
        again = await client.post(
            f"{path}/{asked.json()['id']}/decision", json=decision, headers=custodian
        )
        refused(again, 409, "conflict")
        cases.append(told(db, filed["id"]))
    assert cases == [[("identity_notice", "complainant", "fr")], [], []]


async def test_an_erasure_answered_is_told_refused_or_executed(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    staff, head = auth("ombudsperson_staff"), auth("ombudsperson", sub="head")
    refused_case = await file_complaint(contact=CONTACT, language="fr")
    executed_case = await file_complaint(contact=CONTACT, language="ar")
    anonymous = await file_complaint()
    answers = {
        refused_case["id"]: {
            "decision": "refuse",
            "reason": "The case is before a court.",
            "ground": "legal_claims",
        },
        executed_case["id"]: {"decision": "execute", "reason": "Nothing requires keeping it."},
        anonymous["id"]: {
            "decision": "refuse",
            "reason": "The case is before a court.",
            "ground": "legal_claims",
        },
    }
    for cid, answer in answers.items():
        path = f"/v1/complaints/{cid}/erasure-requests"
        recorded = await client.post(path, json={"channel": "email"}, headers=staff)
        assert recorded.status_code == 201, recorded.text
        decision = f"{path}/{recorded.json()['id']}/decision"
        if answer["decision"] == "execute":
            early = await client.post(decision, json=answer, headers=head)
            refused(early, 409, "conflict", says="The case is open")  # refused: nothing told
            assert told(db, cid) == []
            set_status(db, cid, "closed")
        decided = await client.post(decision, json=answer, headers=head)
        assert decided.status_code == 200, decided.text
    assert told(db, refused_case["id"]) == [("erasure_answered", "complainant", "fr")]
    # An erasure takes the address with the rest, and every email about the case: none is left.
    assert told(db, executed_case["id"]) == []
    assert db.execute(
        "SELECT count(*) AS n FROM notifications WHERE complaint_id = %s", (executed_case["id"],)
    ).fetchone() == {"n": 0}
    assert told(db, anonymous["id"]) == []


async def test_an_information_request_tells_its_department(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    staff = auth("ombudsperson_staff")
    filed = await file_complaint()  # anonymous: the department is told all the same
    set_status(db, filed["id"], "under_investigation")
    path = f"/v1/complaints/{filed['id']}/investigation"
    before_plan = await client.post(
        f"{path}/steps",
        json={
            "kind": "information_request",
            "summary": "Send the eviction file.",
            "department": "housing",
            "due_at": (SOON + timedelta(days=30)).isoformat(),
        },
        headers=staff,
    )
    refused(before_plan, 409, "conflict", says="plan first")
    plan = await client.put(path, json={"plan": "Ask housing for the file."}, headers=staff)
    assert plan.status_code == 200, plan.text
    for step in (
        {"kind": "interview", "summary": "Met the complainant."},
        {
            "kind": "information_request",
            "summary": "Send the eviction file.",
            "department": "housing",
            "due_at": (SOON + timedelta(days=30)).isoformat(),
        },
    ):
        added = await client.post(f"{path}/steps", json=step, headers=staff)
        assert added.status_code == 201, added.text
    assert told(db, filed["id"]) == [("information_request", "department:housing", "en")]


async def test_remedies_are_told_to_their_departments_when_recommended(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    head = auth("ombudsperson")
    filed = await file_complaint()  # anonymous: departments are told all the same
    await write_findings(client, db, head, filed["id"])
    await recommend(client, head, filed["id"])
    await recommend(client, head, filed["id"], form="restitution", description="Re-house them.")
    await recommend(client, head, filed["id"], department="police", description="Train staff.")
    assert told(db, filed["id"]) == []  # drafted: no department sees them yet
    await act(client, head, filed["id"], "recommend_remedies")
    assert sorted(told(db, filed["id"])) == [
        ("remedy_recommended", "department:housing", "en"),
        ("remedy_recommended", "department:police", "en"),
    ]
    # During follow-up a new remedy is seen at once: its department is told at once.
    await recommend(client, head, filed["id"], department="education")
    assert told(db, filed["id"])[2:] == [("remedy_recommended", "department:education", "en")]


async def test_a_remedy_assessed_tells_the_complainant_that_an_outcome_was_recorded(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    head = auth("ombudsperson")
    filed = await file_complaint(contact=CONTACT, language="ar")
    anonymous = await file_complaint()
    for case in (filed, anonymous):
        await write_findings(client, db, head, case["id"])
        remedy = await recommend(client, head, case["id"])
        await act(client, head, case["id"], "recommend_remedies")
        before = told(db, case["id"])
        path = f"/v1/complaints/{case['id']}/remedies/{remedy['id']}/assessment"
        assessed = await client.post(
            path, json={"assessment": "implemented", "note": "Checked on site."}, headers=head
        )
        assert assessed.status_code == 200, assessed.text
        assert told(db, case["id"])[len(before) :] == (
            [("remedy_outcome", "complainant", "ar")] if case is filed else []
        )
        # An assessment revised is a new outcome: told again.
        again = await client.post(
            path, json={"assessment": "not_implemented", "note": "Broken again."}, headers=head
        )
        assert again.status_code == 200, again.text
        assert len(told(db, case["id"])) == len(before) + (2 if case is filed else 0)
