"""Who wants the emails, through the API: a complainant stops and restarts the emails about
their case (never turned on where no email was given), a staff member turns kinds off for
themselves; each choice is audited and none touches the case's version."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import refused

CONTACT = {"name": "Amina", "email": "amina@example.org"}


async def test_a_complainant_stops_and_restarts_the_emails_of_their_case(
    client: httpx.AsyncClient, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    filed = await file_complaint(contact=CONTACT)
    me = await receipt_headers(filed)
    path = f"/v1/complaints/{filed['id']}/email-updates"
    version = db.execute("SELECT version FROM complaints WHERE id = %s", (filed["id"],)).fetchone()

    assert (await client.get(path, headers=me)).json() == {"emails": "on", "detailed": None}
    stopped = await client.put(path, json={"emails": False}, headers=me)
    assert stopped.status_code == 200, stopped.text
    assert stopped.json() == {"emails": "off", "detailed": None}
    assert (await client.get(path, headers=me)).json() == {"emails": "off", "detailed": None}
    again = await client.put(path, json={"emails": True}, headers=me)
    assert again.json() == {"emails": "on", "detailed": None}
    # An email given with another channel preferred: off, and theirs to turn on.
    phone_first = await file_complaint(contact={**CONTACT, "preferred_channel": "phone"})
    theirs = await receipt_headers(phone_first)
    other = f"/v1/complaints/{phone_first['id']}/email-updates"
    assert (await client.get(other, headers=theirs)).json() == {"emails": "off", "detailed": None}
    turned = await client.put(other, json={"emails": True}, headers=theirs)
    assert turned.json() == {"emails": "on", "detailed": None}

    assert (
        db.execute("SELECT version FROM complaints WHERE id = %s", (filed["id"],)).fetchone()
        == version
    )
    actions = db.execute(
        "SELECT action FROM audit_entries WHERE object_id = %s AND action LIKE 'notification.%%' "
        "ORDER BY id",
        (filed["id"],),
    ).fetchall()
    assert [a["action"] for a in actions] == [
        "notification.case_emails_off",
        "notification.case_emails_on",
    ]


async def test_no_email_given_means_no_emails_to_restart(
    client: httpx.AsyncClient, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    by_phone = await file_complaint(contact={"phone": "+33 1 23 45 67 89"})
    me = await receipt_headers(by_phone)
    path = f"/v1/complaints/{by_phone['id']}/email-updates"
    assert (await client.get(path, headers=me)).json() == {
        "emails": "unavailable",
        "detailed": None,
    }
    response = await client.put(path, json={"emails": True}, headers=me)
    refused(response, 409, "conflict")
    assert "No email address was given with this complaint" in response.json()["detail"]
    assert (await client.get(path, headers=me)).json()["emails"] == "unavailable"
    bad = await client.put(path, json={"emails": "yes please"}, headers=me)
    refused(bad, 422, "validation-error")


async def test_staff_turn_kinds_of_email_off_for_themselves(
    client: httpx.AsyncClient, auth: Any, db: Any
) -> None:
    hana = auth("ombudsperson_staff", sub="hana")
    path = "/v1/me/email-preferences"
    kinds = ["assigned", "message_from_complainant", "deadline_reminder", "overdue_digest"]
    assert (await client.get(path, headers=hana)).json() == {"off": [], "kinds": kinds}
    # Not in the staff directory yet (an API token): entered with the choice.
    saved = await client.put(path, json={"off": ["deadline_reminder", "assigned"]}, headers=hana)
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"off": ["assigned", "deadline_reminder"], "kinds": kinds}
    row = db.execute("SELECT roles, emails_off FROM staff WHERE subject = 'hana'").fetchone()
    assert (row["roles"], row["emails_off"]) == (
        ["ombudsperson_staff"],
        ["assigned", "deadline_reminder"],
    )
    assert (await client.put(path, json={"off": []}, headers=hana)).json()["off"] == []
    # Another member's choice is their own.
    olga = auth("ombudsperson", sub="olga")
    assert (await client.get(path, headers=olga)).json()["off"] == []
    unknown = await client.put(path, json={"off": ["filing_received"]}, headers=hana)
    refused(unknown, 422, "validation-error")
    assert db.execute("SELECT emails_off FROM staff WHERE subject = 'hana'").fetchone() == {
        "emails_off": []
    }


async def test_a_reporter_may_ask_for_emails_that_say_more_on_the_confidential_track(
    client: httpx.AsyncClient, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    reporter = await file_complaint(contact=CONTACT, track="anti_corruption")
    me = await receipt_headers(reporter)
    path = f"/v1/complaints/{reporter['id']}/email-updates"
    assert (await client.get(path, headers=me)).json() == {"emails": "on", "detailed": False}
    asked = await client.put(path, json={"emails": True, "detailed": True}, headers=me)
    assert asked.json() == {"emails": "on", "detailed": True}
    # Stopping and restarting the emails keeps the choice; `detailed: false` undoes it.
    assert (await client.put(path, json={"emails": False}, headers=me)).json() == {
        "emails": "off",
        "detailed": True,
    }
    undone = await client.put(path, json={"emails": True, "detailed": False}, headers=me)
    assert undone.json() == {"emails": "on", "detailed": False}
    actions = db.execute(
        "SELECT action FROM audit_entries WHERE object_id = %s AND action LIKE 'notification.%%' "
        "ORDER BY id",
        (reporter["id"],),
    ).fetchall()
    assert [a["action"] for a in actions] == [
        "notification.case_emails_on",
        "notification.detailed",
        "notification.case_emails_off",
        "notification.case_emails_on",
        "notification.neutral",
    ]
    # The other track's emails already say what happened: nothing to ask for there.
    complainant = await file_complaint(contact=CONTACT)
    theirs = await receipt_headers(complainant)
    other = f"/v1/complaints/{complainant['id']}/email-updates"
    assert (await client.get(other, headers=theirs)).json() == {"emails": "on", "detailed": None}
    response = await client.put(other, json={"emails": True, "detailed": True}, headers=theirs)
    refused(response, 409, "conflict")
    assert db.execute(
        "SELECT email_detailed FROM complaints WHERE id = %s", (complainant["id"],)
    ).fetchone() == {"email_detailed": False}
