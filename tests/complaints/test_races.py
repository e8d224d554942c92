"""Writes through a sub-resource and transitions take the same lock on the complaint, so two
requests never both pass checks made against the same state. Each race is run many times with
both requests in flight together; the workflow's invariants hold after every one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.conftest import recommend, remedy_body, set_status, write_findings

ROUNDS = 25
LATER = (datetime.now(UTC) + timedelta(days=30)).isoformat()
REMEDY = remedy_body()
HEARING = {
    "scheduled_at": LATER,
    "mode": "in_person",
    "location": "City hall, room 2",
    "participants": [{"role": "complainant"}],
}


async def _in_follow_up(
    client: httpx.AsyncClient, staff: dict[str, str], db: Any, cid: str
) -> None:
    """A case in remedy follow-up whose one remedy is assessed and decision communicated:
    ready to close."""
    await write_findings(client, db, staff, cid)
    remedy = await recommend(client, staff, cid)
    set_status(db, cid, "remedy_follow_up")
    assessed = await client.post(
        f"/v1/complaints/{cid}/remedies/{remedy['id']}/assessment",
        json={"assessment": "implemented"},
        headers=staff,
    )
    assert assessed.status_code == 200, assessed.text
    db.execute(
        "UPDATE findings SET issued_at = now(), communicated_at = now() WHERE complaint_id = %s",
        (cid,),
    )


async def test_closing_races_a_new_remedy(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    staff = auth("ombudsperson_staff")
    outcomes = []
    for _ in range(ROUNDS):
        cid = (await file_complaint())["id"]
        await _in_follow_up(client, staff, db, cid)
        close, remedy = await asyncio.gather(
            client.post(
                f"/v1/complaints/{cid}/transitions",
                json={"action": "close"},
                headers={**staff, "If-Match": "*"},
            ),
            client.post(f"/v1/complaints/{cid}/remedies", json=REMEDY, headers=staff),
        )
        outcomes.append((close.status_code, remedy.status_code))
        status = db.execute("SELECT status FROM complaints WHERE id = %s", (cid,)).fetchone()
        open_remedies = db.execute(
            "SELECT count(*) AS n FROM remedies WHERE complaint_id = %s AND assessment IS NULL",
            (cid,),
        ).fetchone()["n"]
        # A closed case has every remedy assessed (the `remedies_assessed` guard of `close`).
        assert not (status["status"] == "closed" and open_remedies), outcomes
        # Exactly one of the two went through, the other saw the state it left.
        assert sorted(outcomes[-1]) in ([200, 409], [201, 409]), outcomes[-1]


async def test_entering_a_hearing_races_cancelling_it(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    staff = auth("ombudsperson_staff")
    for _ in range(ROUNDS):
        cid = (await file_complaint())["id"]
        set_status(db, cid, "under_investigation")
        hearing = await client.post(f"/v1/complaints/{cid}/hearings", json=HEARING, headers=staff)
        assert hearing.status_code == 201, hearing.text
        hearing_id = hearing.json()["id"]
        enter, cancel = await asyncio.gather(
            client.post(
                f"/v1/complaints/{cid}/transitions",
                json={"action": "schedule_hearing"},
                headers={**staff, "If-Match": "*"},
            ),
            client.post(
                f"/v1/complaints/{cid}/hearings/{hearing_id}/cancel",
                json={"reason": "The complainant is ill."},
                headers=staff,
            ),
        )
        assert enter.status_code in (200, 409) and cancel.status_code == 200, (
            enter.text,
            cancel.text,
        )
        status = db.execute("SELECT status FROM complaints WHERE id = %s", (cid,)).fetchone()
        scheduled = db.execute(
            "SELECT count(*) AS n FROM hearings WHERE complaint_id = %s AND status = 'scheduled'",
            (cid,),
        ).fetchone()["n"]
        # In `hearing` a hearing is pending, or the guard of `schedule_hearing` was passed on a
        # state that no longer held.
        if enter.status_code == 200:
            assert status["status"] == "hearing"
            # The cancel ran after the transition committed: both are on the timeline in order.
            actions = [
                r["action"]
                for r in db.execute(
                    "SELECT action FROM timeline_entries WHERE complaint_id = %s ORDER BY id",
                    (cid,),
                ).fetchall()
            ]
            assert actions[-2:] == ["schedule_hearing", "hearing_cancelled"], actions
        else:
            assert status["status"] == "under_investigation" and scheduled == 0
