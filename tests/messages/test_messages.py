"""The complainant-office thread and internal notes: who can write and read what."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.kit.permissions import Role
from tests.conftest import refused, role_headers, set_status


def _messages(complaint_id: str) -> str:
    return f"/v1/complaints/{complaint_id}/messages"


async def test_thread_between_complainant_and_office(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    filed = await file_complaint()
    complainant = await receipt_headers(filed)
    staff = auth("ombudsperson_staff", sub="staff-7")
    asked = await client.post(
        _messages(filed["id"]),
        json={"body": "I found the eviction letter, dated 3 October."},
        headers=complainant,
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["kind"] == "from_complainant"
    assert asked.headers["location"] == f"{_messages(filed['id'])}/{asked.json()['id']}"
    answered = await client.post(
        _messages(filed["id"]), json={"body": "Thank you; please send us a copy."}, headers=staff
    )
    assert answered.json()["kind"] == "to_complainant"
    assert answered.json()["author_subject"] == "staff-7"
    note = await client.post(
        _messages(filed["id"]),
        json={"body": "Check with the housing registry first.", "internal": True},
        headers=staff,
    )
    assert note.status_code == 201 and note.json()["kind"] == "internal_note"

    theirs = await client.get(_messages(filed["id"]), headers=complainant)
    assert [m["kind"] for m in theirs.json()["items"]] == ["from_complainant", "to_complainant"]
    assert "housing registry" not in theirs.text and "staff-7" not in theirs.text
    hidden = await client.get(f"{_messages(filed['id'])}/{note.json()['id']}", headers=complainant)
    assert hidden.status_code == 404
    office = await client.get(_messages(filed["id"]), headers=staff)
    assert [m["kind"] for m in office.json()["items"]] == [
        "from_complainant",
        "to_complainant",
        "internal_note",
    ]
    audited = db.execute(
        "SELECT action FROM audit_entries WHERE action LIKE 'message.%' ORDER BY id"
    ).fetchall()
    assert [a["action"] for a in audited] == [
        "message.from_complainant",
        "message.to_complainant",
        "message.internal_note",
        "message.read_internal_notes",
    ]


async def test_complainant_cannot_write_internal_notes_or_to_finished_cases(
    client: httpx.AsyncClient, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    filed = await file_complaint()
    complainant = await receipt_headers(filed)
    internal = await client.post(
        _messages(filed["id"]), json={"body": "x", "internal": True}, headers=complainant
    )
    assert internal.status_code == 403
    set_status(db, filed["id"], "closed")
    late = await client.post(
        _messages(filed["id"]), json={"body": "One more thing."}, headers=complainant
    )
    refused(late, 409, "conflict", says="while it is open")
    assert db.execute("SELECT count(*) AS n FROM messages").fetchone()["n"] == 0


async def test_resident_uses_the_thread_of_their_own_complaint(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    me = auth("resident", sub="resident-3")
    mine = await file_complaint(headers=me)
    other = await file_complaint(headers=auth("resident", sub="resident-4"))
    ok = await client.post(_messages(mine["id"]), json={"body": "Any news?"}, headers=me)
    assert ok.status_code == 201 and ok.json()["kind"] == "from_complainant"
    assert (
        await client.post(_messages(other["id"]), json={"body": "Hello"}, headers=me)
    ).status_code == 404
    assert (await client.get(_messages(other["id"]), headers=me)).status_code == 404


@pytest.mark.parametrize("role", [Role.resident, Role.ombudsperson_staff, Role.ombudsperson])
async def test_only_staff_write_internal_notes(
    role: Role, client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    """A finer rule than the route's (tests/kit/test_route_matrix.py covers who may write at
    all): within the thread, an internal note is for staff only."""
    filed = await file_complaint(headers=auth("resident", sub="owner"))
    note = await client.post(
        _messages(filed["id"]),
        json={"body": "Note.", "internal": True},
        headers=role_headers(auth, role),
    )
    if role is Role.resident:
        assert note.status_code == 403
        assert note.json()["type"].endswith("/forbidden")
        assert "internal note" in note.json()["detail"].lower()
        assert db.execute("SELECT count(*) AS n FROM messages").fetchone()["n"] == 0
    else:
        assert note.status_code == 201, note.text
        assert note.json()["kind"] == "internal_note"


async def test_recused_staff_cannot_read_the_thread(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint()
    carol = auth("ombudsperson_staff", sub="carol")
    await client.post(
        f"/v1/complaints/{filed['id']}/recusals",
        json={"reason": "I know the family."},
        headers=carol,
    )
    assert (await client.get(_messages(filed["id"]), headers=carol)).status_code == 404


async def test_pages_and_bad_input(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    ids = []
    for i in range(5):
        response = await client.post(
            _messages(filed["id"]), json={"body": f"Message {i}"}, headers=staff
        )
        ids.append(response.json()["id"])
    first = (await client.get(_messages(filed["id"]), params={"limit": 2}, headers=staff)).json()
    assert [m["id"] for m in first["items"]] == ids[:2]
    rest = (
        await client.get(
            _messages(filed["id"]),
            params={"after": first["next_after"], "limit": 10},
            headers=staff,
        )
    ).json()
    assert [m["id"] for m in rest["items"]] == ids[2:] and rest["next_after"] is None
    for bad in (
        {"body": ""},
        {"body": "x" * 10_001},
        {"body": "hi", "kind": "internal_note"},
        {"text": "hi"},
    ):
        response = await client.post(_messages(filed["id"]), json=bad, headers=staff)
        assert response.status_code == 422, bad
        assert response.headers["content-type"] == "application/problem+json"
    too_many = await client.get(_messages(filed["id"]), params={"limit": 10_000}, headers=staff)
    refused(too_many, 422, "validation-error", field="query.limit")


async def test_unknown_list_parameters_are_refused(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    response = await client.get(_messages(filed["id"]), params={"afterr": 3}, headers=staff)
    assert response.status_code == 422
    housing = auth("respondent", department="housing")
    for path in ("/v1/remedies", "/v1/information-requests"):
        assert (
            await client.get(path, params={"open": "true"}, headers=housing)
        ).status_code == 422, path
