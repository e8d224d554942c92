"""Who sees which complaint, who lists, who acts: expectations written out by hand."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import httpx
import pytest

from app.kit.permissions import PERMISSIONS, STAFF_TRACKS, Role
from app.taxonomy import Track
from tests.conftest import TEST_SECRETS, tables_holding

MINTED = [r for r in Role if r is not Role.complainant]
OMBUDSPERSON, ANTI_CORRUPTION = Track.ombudsperson, Track.anti_corruption
# The track each staff role works on; every other role sees no case it did not file.
SEES: dict[Role, set[Track]] = {
    Role.ombudsperson_staff: {OMBUDSPERSON},
    Role.ombudsperson: {OMBUDSPERSON},
    Role.oversight_officer: {ANTI_CORRUPTION},
    Role.oversight_head: {ANTI_CORRUPTION},
}
# Who may list complaints at all (a resident lists their own).
LISTS = {
    Role.ombudsperson_staff,
    Role.ombudsperson,
    Role.oversight_officer,
    Role.oversight_head,
    Role.resident,
}


def _headers(auth: Any, role: Role) -> dict[str, str]:
    return auth(role.value, department="housing" if role is Role.respondent else None)


def test_staff_tracks_do_not_overlap_between_offices() -> None:
    assert STAFF_TRACKS[Role.oversight_officer].isdisjoint(STAFF_TRACKS[Role.ombudsperson_staff])
    assert STAFF_TRACKS[Role.oversight_officer].isdisjoint(STAFF_TRACKS[Role.ombudsperson])


def test_monitors_respondents_and_admins_hold_no_case_permission() -> None:
    for role in (Role.monitor, Role.respondent, Role.admin):
        assert not any(p.startswith("complaint.") for p in PERMISSIONS[role])


@pytest.mark.parametrize("role", MINTED)
@pytest.mark.parametrize("track", list(Track))
async def test_read_matrix(
    role: Role, track: Track, client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint(track=track.value, contact={"email": "me@example.org"})
    headers = _headers(auth, role)
    sees = track in SEES.get(role, set())
    for path in (f"/v1/complaints/{filed['id']}", f"/v1/complaints/{filed['id']}/timeline"):
        response = await client.get(path, headers=headers)
        assert response.status_code == (200 if sees else 404), (role, track, path)
        if not sees:
            assert response.headers["content-type"] == "application/problem+json"
            assert filed["reference"] not in response.text
    listing = await client.get("/v1/complaints", headers=headers)
    may_list = role in LISTS
    assert listing.status_code == (200 if may_list else 403), role
    if may_list:
        ids = [i["id"] for i in listing.json()["items"]]
        assert ids == ([filed["id"]] if sees else [])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ombudsperson_staff, 200),
        (Role.ombudsperson, 200),
        # every other role: the complaint is out of its reach
        (Role.oversight_officer, 404),
        (Role.oversight_head, 404),
        (Role.resident, 404),
        (Role.respondent, 404),
        (Role.monitor, 404),
        (Role.auditor, 404),
        (Role.admin, 404),
    ],
)
async def test_transition_matrix(
    role: Role, status: int, client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint()
    response = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={"action": "acknowledge"},
        headers={**_headers(auth, role), "If-Match": '"v1"'},
    )
    assert response.status_code == status, role


def test_every_minted_role_is_in_the_transition_matrix() -> None:
    assert set(MINTED) == {
        Role.ombudsperson_staff,
        Role.ombudsperson,
        Role.oversight_officer,
        Role.oversight_head,
        Role.resident,
        Role.respondent,
        Role.monitor,
        Role.auditor,
        Role.admin,
    }


async def test_several_roles_add_up(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    """A token holding several roles may do what each of them may, on every track they cover."""
    ombuds = await file_complaint()
    corruption = await file_complaint(track="anti_corruption")
    own = await file_complaint(track="anti_corruption", headers=auth("resident", sub="rhea"))
    both_offices = auth("ombudsperson_staff", "oversight_officer")
    listed = (await client.get("/v1/complaints", headers=both_offices)).json()["items"]
    assert {i["id"] for i in listed} == {ombuds["id"], corruption["id"], own["id"]}
    # A staff member of one office who is also a resident: their office's cases and their own.
    staff_resident = auth("ombudsperson_staff", "resident", sub="rhea")
    listed = (await client.get("/v1/complaints", headers=staff_resident)).json()["items"]
    assert {i["id"] for i in listed} == {ombuds["id"], own["id"]}
    # An auditor who is also a monitor reads the trail and the statistics.
    watcher = auth("auditor", "monitor")
    assert (await client.get("/v1/audit/entries", headers=watcher)).status_code == 200
    assert (await client.get("/v1/statistics", headers=watcher)).status_code == 200


async def test_a_signed_in_filing_is_attributed_to_the_account(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    """The case's timeline names the account; the audit trail names its keyed pseudonym:
    "resident-" and the first 16 hex digits of HMAC-SHA256(receipt key, "account:" + id)."""
    filed = await file_complaint(headers=auth("resident", sub="rhea-41"))
    await file_complaint()
    rows = db.execute(
        "SELECT actor_subject, actor_role FROM audit_entries WHERE action = 'complaint.file' "
        "ORDER BY id"
    ).fetchall()
    key = TEST_SECRETS["receipt_key"].encode()
    pseudonym = "resident-" + hmac.new(key, b"account:rhea-41", hashlib.sha256).hexdigest()[:16]
    assert rows == [
        {"actor_subject": pseudonym, "actor_role": "resident"},
        {"actor_subject": "anonymous", "actor_role": "public"},
    ]
    timeline = db.execute(
        "SELECT actor_subject, actor_role FROM timeline_entries WHERE complaint_id = %s",
        (filed["id"],),
    ).fetchall()
    assert timeline == [{"actor_subject": "rhea-41", "actor_role": "resident"}]
    assert tables_holding(db, "rhea-41") == {"complaints": 1, "timeline_entries": 1}


async def test_contact_details_only_for_staff_and_read_is_audited(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    filed = await file_complaint(contact={"name": "Amina", "email": "amina@example.org"})
    staff = await client.get(f"/v1/complaints/{filed['id']}", headers=auth("ombudsperson_staff"))
    assert staff.json()["contact"]["email"] == "amina@example.org"
    own = await client.get(f"/v1/complaints/{filed['id']}", headers=await receipt_headers(filed))
    assert own.status_code == 200
    assert own.json()["contact"] is None
    assert "amina" not in own.text.lower()
    audited = db.execute(
        "SELECT actor_role, object_type, object_id FROM audit_entries "
        "WHERE action = 'complaint.read_contact'"
    ).fetchall()
    assert audited == [
        {"actor_role": "ombudsperson_staff", "object_type": "complaint", "object_id": filed["id"]}
    ]


async def test_resident_sees_only_their_own(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    mine = await file_complaint(headers=auth("resident", sub="resident-1"))
    await file_complaint(headers=auth("resident", sub="resident-2"))
    await file_complaint()
    me = auth("resident", sub="resident-1")
    listing = await client.get("/v1/complaints", headers=me)
    assert [i["id"] for i in listing.json()["items"]] == [mine["id"]]
    assert (await client.get(f"/v1/complaints/{mine['id']}", headers=me)).status_code == 200
    withdraw = await client.post(
        f"/v1/complaints/{mine['id']}/transitions",
        json={"action": "withdraw"},
        headers={**me, "If-Match": '"v1"'},
    )
    assert withdraw.status_code == 200
    assert withdraw.json()["status"] == "withdrawn"
    assert withdraw.json()["entry"]["actor_subject"] is None


def test_acting_order_names_every_role_once() -> None:
    from app.kit.permissions import ACTING_ORDER

    assert sorted(ACTING_ORDER) == sorted(Role)
    assert len(ACTING_ORDER) == len(set(ACTING_ORDER))


async def test_the_role_recorded_is_the_narrowest_that_grants_the_action(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    """A head of office who also holds the staff role acknowledges as staff (both grant it) and
    reopens as head (only the head may): chosen by what the action needs, not by the order the
    roles happen to be declared in."""
    filed = await file_complaint()
    both = auth("ombudsperson", "ombudsperson_staff", sub="hanna")
    for action, reason in (("acknowledge", None), ("withdraw", None), ("reopen", "New facts.")):
        body = {"action": action, **({"reason": reason} if reason else {})}
        response = await client.post(
            f"/v1/complaints/{filed['id']}/transitions",
            json=body,
            headers={**both, "If-Match": "*"},
        )
        assert response.status_code == 200, response.text
    rows = db.execute(
        "SELECT action, actor_role FROM audit_entries WHERE actor_subject = 'hanna' ORDER BY id"
    ).fetchall()
    assert [(r["action"], r["actor_role"]) for r in rows] == [
        ("complaint.acknowledge", "ombudsperson_staff"),
        ("complaint.withdraw", "ombudsperson_staff"),
        ("complaint.reopen", "ombudsperson"),
    ]
