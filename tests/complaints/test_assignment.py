"""Assignment of handlers, declared conflicts of interest and exclusions."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import refused, set_status


def _handler(complaint_id: str) -> str:
    return f"/v1/complaints/{complaint_id}/handler"


def _recusals(complaint_id: str) -> str:
    return f"/v1/complaints/{complaint_id}/recusals"


async def _etag(client: httpx.AsyncClient, complaint_id: str, headers: dict[str, str]) -> str:
    response = await client.get(f"/v1/complaints/{complaint_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.headers["etag"]


async def test_head_assigns_and_the_complainant_never_sees_it(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    filed = await file_complaint()
    head = auth("ombudsperson", sub="head-1")
    response = await client.put(
        _handler(filed["id"]), json={"handler": "alice"}, headers={**head, "If-Match": '"v1"'}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["handler"] == "alice" and body["version"] == 2
    assert response.headers["etag"] == '"v2"'
    assert body["entry"]["action"] == "assign" and body["entry"]["about_subject"] == "alice"
    assert db.execute("SELECT handler_subject FROM complaints").fetchone() == {
        "handler_subject": "alice"
    }
    staff_view = await client.get(
        f"/v1/complaints/{filed['id']}", headers=auth("ombudsperson_staff")
    )
    assert staff_view.json()["handler"] == "alice"
    mine = await receipt_headers(filed)
    own = await client.get(f"/v1/complaints/{filed['id']}", headers=mine)
    assert own.json()["handler"] is None
    timeline = await client.get(f"/v1/complaints/{filed['id']}/timeline", headers=mine)
    assert [e["action"] for e in timeline.json()["entries"]] == ["file"]
    assert "alice" not in timeline.text


async def test_assignment_is_idempotent_and_reassignment_needs_a_reason(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    head_subject = "head-7"
    head = auth("ombudsperson", sub=head_subject)
    await client.put(
        _handler(filed["id"]), json={"handler": "alice"}, headers={**head, "If-Match": '"v1"'}
    )
    same = await client.put(
        _handler(filed["id"]), json={"handler": "alice"}, headers={**head, "If-Match": '"v2"'}
    )
    assert same.status_code == 200 and same.json()["entry"] is None
    assert (same.json()["handler"], same.json()["version"]) == ("alice", 2)
    no_reason = await client.put(
        _handler(filed["id"]), json={"handler": "bob"}, headers={**head, "If-Match": '"v2"'}
    )
    body = refused(no_reason, 422, "validation-error", field="body.reason")
    assert body["detail"] == "Reassigning or unassigning needs a reason."
    assert body["errors"] == [
        {"field": "body.reason", "message": "required to reassign", "type": "missing"}
    ]
    moved = await client.put(
        _handler(filed["id"]),
        json={"handler": "bob", "reason": "Alice is on leave."},
        headers={**head, "If-Match": '"v2"'},
    )
    assert moved.status_code == 200 and moved.json()["handler"] == "bob"
    # What the answer says was recorded is what the timeline holds, field by field.
    timeline = await client.get(f"/v1/complaints/{filed['id']}/timeline", headers=head)
    recorded = timeline.json()["entries"][-1]
    assert moved.json()["entry"] == recorded
    assert {k: recorded[k] for k in recorded if k not in ("id", "at")} == {
        "action": "assign",
        "from_status": "submitted",
        "to_status": "submitted",
        "reason": "Alice is on leave.",
        "actor_role": "ombudsperson",
        "actor_subject": head_subject,
        "visible_to_complainant": False,
        "about_subject": "bob",
    }
    cleared = await client.put(
        _handler(filed["id"]),
        json={"handler": None, "reason": "Back to the pool."},
        headers={**head, "If-Match": '"v3"'},
    )
    assert cleared.json()["handler"] is None
    assert cleared.json()["entry"]["action"] == "unassign"
    actions = db.execute(
        "SELECT action, about_subject, visible_to_complainant FROM "
        "timeline_entries WHERE action <> 'file' ORDER BY id"
    ).fetchall()
    assert actions == [
        {"action": "assign", "about_subject": "alice", "visible_to_complainant": False},
        {"action": "assign", "about_subject": "bob", "visible_to_complainant": False},
        {"action": "unassign", "about_subject": "bob", "visible_to_complainant": False},
    ]


async def test_assignment_preconditions(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint()
    head = auth("ombudsperson")
    missing = await client.put(_handler(filed["id"]), json={"handler": "alice"}, headers=head)
    assert missing.status_code == 428
    stale = await client.put(
        _handler(filed["id"]), json={"handler": "alice"}, headers={**head, "If-Match": '"v7"'}
    )
    assert stale.status_code == 412
    extra = await client.put(
        _handler(filed["id"]),
        json={"handler": "alice", "status": "closed"},
        headers={**head, "If-Match": '"v1"'},
    )
    refused(extra, 422, "validation-error", field="body.status")


async def test_declared_conflict_puts_the_complaint_out_of_reach(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    other = await file_complaint()
    carol = auth("ombudsperson_staff", sub="carol")
    declared = await client.post(
        _recusals(filed["id"]), json={"reason": "My neighbour filed this complaint."}, headers=carol
    )
    assert declared.status_code == 201, declared.text
    assert declared.headers["location"] == _recusals(filed["id"])
    assert declared.json()["kind"] == "declared" and declared.json()["subject"] == "carol"
    for path in (f"/v1/complaints/{filed['id']}", f"/v1/complaints/{filed['id']}/timeline"):
        assert (await client.get(path, headers=carol)).status_code == 404
    transition = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={"action": "acknowledge"},
        headers={**carol, "If-Match": '"v1"'},
    )
    assert transition.status_code == 404
    again = await client.post(_recusals(filed["id"]), json={"reason": "Again."}, headers=carol)
    assert again.status_code == 404
    listing = await client.get("/v1/complaints", headers=carol)
    assert [i["id"] for i in listing.json()["items"]] == [other["id"]]
    colleague = await client.get(
        f"/v1/complaints/{filed['id']}", headers=auth("ombudsperson_staff", sub="dave")
    )
    assert colleague.status_code == 200
    head_timeline = await client.get(
        f"/v1/complaints/{filed['id']}/timeline", headers=auth("ombudsperson")
    )
    entry = head_timeline.json()["entries"][-1]
    assert entry["action"] == "recuse" and entry["about_subject"] == "carol"
    assert entry["visible_to_complainant"] is False


async def test_head_excludes_the_handler_who_is_unassigned(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    head = auth("ombudsperson", sub="head-1")
    await client.put(
        _handler(filed["id"]), json={"handler": "erin"}, headers={**head, "If-Match": '"v1"'}
    )
    excluded = await client.post(
        _recusals(filed["id"]),
        json={"subject": "erin", "reason": "Former employer involved."},
        headers=head,
    )
    assert excluded.status_code == 201
    assert excluded.json()["kind"] == "excluded" and excluded.json()["unassigned"] is True
    assert db.execute("SELECT handler_subject FROM complaints").fetchone() == {
        "handler_subject": None
    }
    erin = auth("ombudsperson_staff", sub="erin")
    assert (await client.get(f"/v1/complaints/{filed['id']}", headers=erin)).status_code == 404
    reassign = await client.put(
        _handler(filed["id"]),
        json={"handler": "erin"},
        headers={**head, "If-Match": await _etag(client, filed["id"], head)},
    )
    refused(reassign, 409, "conflict", says="recused")
    twice = await client.post(
        _recusals(filed["id"]), json={"subject": "erin", "reason": "Once more."}, headers=head
    )
    refused(twice, 409, "conflict", says="already recused")
    listed = await client.get(_recusals(filed["id"]), headers=head)
    assert [(r["subject"], r["kind"]) for r in listed.json()["recusals"]] == [("erin", "excluded")]
    events = db.execute("SELECT action FROM timeline_entries ORDER BY id").fetchall()
    assert [e["action"] for e in events] == ["file", "assign", "exclude", "unassign"]


async def test_only_heads_exclude_others_or_list_recusals(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff", sub="frank")
    response = await client.post(
        _recusals(filed["id"]),
        json={"subject": "grace", "reason": "I think she knows them."},
        headers=staff,
    )
    body = refused(response, 403, "forbidden")
    assert body["detail"] == (
        "Excluding someone from a complaint needs one of these roles: ombudsperson, oversight_head."
    )
    assert (await client.get(_recusals(filed["id"]), headers=staff)).status_code == 403
    complainant = await receipt_headers(filed)
    body = refused(
        await client.post(
            _recusals(filed["id"]), json={"reason": "I object to them."}, headers=complainant
        ),
        403,
        "forbidden",
    )
    assert body["detail"] == (
        "This needs one of these roles: ombudsperson, ombudsperson_staff, oversight_head, "
        "oversight_officer."
    )
    for role in ("monitor", "admin", "oversight_officer"):
        outsider = auth(role)
        assert (
            await client.post(
                _recusals(filed["id"]), json={"reason": "Conflict here."}, headers=outsider
            )
        ).status_code == 404
        assert (await client.get(_recusals(filed["id"]), headers=outsider)).status_code == 404


async def test_list_filters_by_handler(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    mine = await file_complaint()
    theirs = await file_complaint()
    loose = await file_complaint()
    head = auth("ombudsperson")
    for filed, handler in ((mine, "alice"), (theirs, "bob")):
        await client.put(
            _handler(filed["id"]), json={"handler": handler}, headers={**head, "If-Match": '"v1"'}
        )
    alice = auth("ombudsperson_staff", sub="alice")

    async def ids(**params: Any) -> list[str]:
        response = await client.get("/v1/complaints", params=params, headers=alice)
        assert response.status_code == 200, response.text
        return [i["id"] for i in response.json()["items"]]

    assert await ids(handler="me") == [mine["id"]]
    assert await ids(handler="bob") == [theirs["id"]]
    assert await ids(unassigned="true") == [loose["id"]]
    items = (await client.get("/v1/complaints", headers=alice)).json()["items"]
    assert {i["id"]: i["handler"] for i in items} == {
        mine["id"]: "alice",
        theirs["id"]: "bob",
        loose["id"]: None,
    }


async def test_oversight_head_not_officer_heads_the_confidential_track(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint(track="anti_corruption")
    officer = auth("oversight_officer")
    refused = await client.put(
        _handler(filed["id"]), json={"handler": "olga"}, headers={**officer, "If-Match": '"v1"'}
    )
    assert refused.status_code == 403
    head = auth("oversight_head")
    done = await client.put(
        _handler(filed["id"]), json={"handler": "olga"}, headers={**head, "If-Match": '"v1"'}
    )
    assert done.status_code == 200
    set_status(db, filed["id"], "closed")
    for headers, expected in ((officer, 403), (head, 200)):
        response = await client.post(
            f"/v1/complaints/{filed['id']}/transitions",
            json={"action": "reopen", "reason": "New evidence."},
            headers={**headers, "If-Match": await _etag(client, filed["id"], headers)},
        )
        assert response.status_code == expected
    for role in ("ombudsperson", "ombudsperson_staff", "admin", "monitor"):
        assert (
            await client.get(f"/v1/complaints/{filed['id']}", headers=auth(role))
        ).status_code == 404
