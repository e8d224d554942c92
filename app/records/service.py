"""Oral reports and meetings: staff record minutes or a transcript; the reporter checks it and
approves or corrects it; both show on the reporter's timeline (Directive art. 9(2), 18)."""

from __future__ import annotations

from uuid import UUID

from app.kit.access import lock, reach, refuse_unchanged
from app.kit.principals import Principal
from app.kit.sql import Conn, all_rows, one
from app.records import queries
from app.records.schemas import RecordIn, RecordOut, Records, ResponseIn


async def create(conn: Conn, principal: Principal, complaint_id: UUID, body: RecordIn) -> RecordOut:
    case = await lock(conn, principal, complaint_id)
    record = await one(
        conn,
        queries.CREATE,
        {
            "id": complaint_id,
            "kind": body.kind,
            "held_at": body.held_at,
            "transcript": body.transcript,
            "status": case.status,
            **principal.actor.params,
        },
        RecordOut,
    )
    assert record is not None  # an INSERT ... RETURNING of one row
    return record


async def respond(
    conn: Conn, principal: Principal, complaint_id: UUID, record_id: int, body: ResponseIn
) -> RecordOut:
    case = await lock(conn, principal, complaint_id)
    record = await one(
        conn,
        queries.RESPOND,
        {
            "id": complaint_id,
            "record_id": record_id,
            "new_status": "approved" if body.approve else "corrected",
            "comment": body.corrections,
            "status": case.status,
            **case.actor(principal).params,
        },
        RecordOut,
    )
    if record is None:
        await refuse_unchanged(
            conn, queries.STATUS, {"id": complaint_id, "record_id": record_id}, "record"
        )
    return record


async def list_records(conn: Conn, principal: Principal, complaint_id: UUID) -> Records:
    await reach(conn, principal, complaint_id)
    return Records(records=await all_rows(conn, queries.LIST, {"id": complaint_id}, RecordOut))
