from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx

from tests.conftest import refused, set_status


def _tr(complaint_id: str) -> str:
    return f"/v1/complaints/{complaint_id}/transitions"


async def test_missing_if_match_is_428(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    response = await client.post(
        _tr(filed["id"]), json={"action": "acknowledge"}, headers=auth("ombudsperson_staff")
    )
    assert response.status_code == 428
    assert response.headers["content-type"] == "application/problem+json"
    assert db.execute("SELECT status FROM complaints").fetchone()["status"] == "submitted"


async def test_stale_if_match_is_412(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    ok = await client.post(
        _tr(filed["id"]), json={"action": "acknowledge"}, headers={**staff, "If-Match": '"v1"'}
    )
    assert ok.status_code == 200
    stale = await client.post(
        _tr(filed["id"]), json={"action": "start_assessment"}, headers={**staff, "If-Match": '"v1"'}
    )
    assert stale.status_code == 412
    assert stale.json()["type"].endswith("/precondition-failed")
    garbage = await client.post(
        _tr(filed["id"]),
        json={"action": "start_assessment"},
        headers={**staff, "If-Match": "whatever"},
    )
    assert garbage.status_code == 412
    row = db.execute("SELECT status, version FROM complaints").fetchone()
    assert row == {"status": "acknowledged", "version": 2}


async def test_etag_from_get_works_and_star_matches(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    etag = (await client.get(f"/v1/complaints/{filed['id']}", headers=staff)).headers["etag"]
    first = await client.post(
        _tr(filed["id"]), json={"action": "acknowledge"}, headers={**staff, "If-Match": etag}
    )
    assert first.status_code == 200
    second = await client.post(
        _tr(filed["id"]), json={"action": "start_assessment"}, headers={**staff, "If-Match": "*"}
    )
    assert second.status_code == 200
    assert second.headers["etag"] == '"v3"'


async def test_role_without_permission_is_403(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    set_status(db, filed["id"], "closed")
    response = await client.post(
        _tr(filed["id"]),
        json={"action": "reopen", "reason": "new facts"},
        headers={**auth("ombudsperson_staff"), "If-Match": '"v1"'},
    )
    assert response.status_code == 403
    assert "ombudsperson" in response.json()["detail"]
    assert db.execute("SELECT status FROM complaints").fetchone()["status"] == "closed"
    head = await client.post(
        _tr(filed["id"]),
        json={"action": "reopen", "reason": "new facts"},
        headers={**auth("ombudsperson"), "If-Match": '"v1"'},
    )
    assert head.status_code == 200
    assert head.json()["status"] == "under_assessment"


async def test_other_track_and_unknown_are_404(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint(track="anti_corruption")
    for headers in (
        auth("ombudsperson_staff"),
        auth("ombudsperson"),
        auth("monitor"),
        auth("admin"),
        auth("respondent", department="housing"),
    ):
        response = await client.post(
            _tr(filed["id"]),
            json={"action": "acknowledge"},
            headers={**headers, "If-Match": '"v1"'},
        )
        assert response.status_code == 404, headers
    unknown = await client.post(
        _tr("00000000-0000-4000-8000-000000000000"),
        json={"action": "acknowledge"},
        headers={**auth("oversight_officer"), "If-Match": '"v1"'},
    )
    assert unknown.status_code == 404
    ok = await client.post(
        _tr(filed["id"]),
        json={"action": "acknowledge"},
        headers={**auth("oversight_officer"), "If-Match": '"v1"'},
    )
    assert ok.status_code == 200


async def test_reason_required(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    set_status(db, filed["id"], "under_assessment")
    response = await client.post(
        _tr(filed["id"]),
        json={"action": "declare_inadmissible"},
        headers={**auth("ombudsperson_staff"), "If-Match": '"v1"'},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.reason"
    assert db.execute("SELECT status FROM complaints").fetchone()["status"] == "under_assessment"


async def test_status_is_not_writable(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint()
    response = await client.post(
        _tr(filed["id"]),
        json={"action": "acknowledge", "status": "closed"},
        headers={**auth("ombudsperson_staff"), "If-Match": '"v1"'},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.status"
    unknown = await client.post(
        _tr(filed["id"]),
        json={"action": "teleport"},
        headers={**auth("ombudsperson_staff"), "If-Match": '"v1"'},
    )
    refused(unknown, 422, "validation-error", field="body.action")


async def test_acknowledgement_sets_deadlines_and_timeline(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff", sub="handler-7")
    response = await client.post(
        _tr(filed["id"]), json={"action": "acknowledge"}, headers={**staff, "If-Match": '"v1"'}
    )
    body = response.json()
    acknowledged_at = datetime.fromisoformat(body["deadlines"]["acknowledged_at"])
    feedback_by = datetime.fromisoformat(body["deadlines"]["feedback_by"])
    # Art. 9(1)(f): three months from the acknowledgement.
    assert timedelta(days=89) <= feedback_by - acknowledged_at <= timedelta(days=92)
    assert body["entry"]["actor_subject"] == "handler-7"
    rows = db.execute(
        "SELECT action, from_status, to_status, actor_subject, actor_role "
        "FROM timeline_entries ORDER BY id"
    ).fetchall()
    assert rows[-1] == {
        "action": "acknowledge",
        "from_status": "submitted",
        "to_status": "acknowledged",
        "actor_subject": "handler-7",
        "actor_role": "ombudsperson_staff",
    }
    audit = db.execute("SELECT action, object_id FROM audit_entries ORDER BY id").fetchall()
    assert {"action": "complaint.acknowledge", "object_id": filed["id"]} in audit


async def test_feedback_is_recorded_without_changing_state(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint(track="anti_corruption")
    set_status(db, filed["id"], "under_investigation")
    response = await client.post(
        _tr(filed["id"]),
        json={"action": "give_feedback", "reason": "We are investigating."},
        headers={**auth("oversight_officer"), "If-Match": '"v1"'},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "under_investigation"
    assert response.json()["deadlines"]["feedback_given_at"] is not None
    row = db.execute("SELECT feedback_given_at FROM complaints").fetchone()
    assert row["feedback_given_at"] is not None


async def test_concurrent_transitions_with_one_etag_only_one_wins(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    staff = {**auth("ombudsperson_staff"), "If-Match": '"v1"'}
    results = await asyncio.gather(
        *[
            client.post(_tr(filed["id"]), json={"action": action}, headers=staff)
            for action in ("acknowledge", "withdraw", "acknowledge", "withdraw")
        ]
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 412, 412, 412], [r.text for r in results]
    assert db.execute("SELECT version FROM complaints").fetchone()["version"] == 2
    n = db.execute("SELECT count(*) AS n FROM timeline_entries").fetchone()["n"]
    assert n == 2


async def test_referral_names_the_competent_body(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    filed = await file_complaint()
    set_status(db, filed["id"], "under_assessment")
    staff = {**auth("ombudsperson_staff"), "If-Match": '"v1"'}
    nameless = await client.post(
        _tr(filed["id"]), json={"action": "refer", "reason": "Not ours."}, headers=staff
    )
    assert nameless.status_code == 422
    assert nameless.json()["errors"][0]["field"] == "body.referred_to"
    misplaced = await client.post(
        _tr(filed["id"]),
        headers=staff,
        json={"action": "open_investigation", "referred_to": "Somebody"},
    )
    refused(misplaced, 422, "validation-error", field="body.referred_to", says="only `refer`")
    referred = await client.post(
        _tr(filed["id"]),
        headers=staff,
        json={
            "action": "refer",
            "reason": "Police matter.",
            "referred_to": "City police complaints",
        },
    )
    assert referred.status_code == 200
    assert referred.json()["deadlines"]["decided_at"] is not None
    view = await client.get(f"/v1/complaints/{filed['id']}", headers=await receipt_headers(filed))
    assert view.json()["referred_to"] == "City police complaints"


async def test_decision_deadline_runs_from_acknowledgement(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    before = (await client.get(f"/v1/complaints/{filed['id']}", headers=staff)).json()
    assert before["deadlines"]["decide_by"] is None
    acked = await client.post(
        _tr(filed["id"]), json={"action": "acknowledge"}, headers={**staff, "If-Match": '"v1"'}
    )
    deadlines = acked.json()["deadlines"]
    span = datetime.fromisoformat(deadlines["decide_by"]) - datetime.fromisoformat(
        deadlines["acknowledged_at"]
    )
    assert timedelta(days=180) <= span <= timedelta(days=185)  # six months by default
    db.execute("UPDATE complaints SET decide_by = now() - interval '1 day'")
    late = await client.get(
        "/v1/deadlines", params={"kind": "decision", "overdue": "true"}, headers=staff
    )
    assert [d["complaint_id"] for d in late.json()["items"]] == [filed["id"]]
    view = (await client.get(f"/v1/complaints/{filed['id']}", headers=staff)).json()
    assert view["deadlines"]["decision_overdue"] is True
