"""Oral reports and meetings: staff record minutes or a transcript; the reporter checks it and
approves or corrects it; both show on the reporter's timeline (Directive art. 9(2), 18)."""

from __future__ import annotations

from uuid import UUID

from app.auth.principals import Principal
from app.complaints.service import actor, reachable, require
from app.db import Conn
from app.errors import Conflict, NotFound
from app.records import queries
from app.records.schemas import RecordIn, RecordOut, Records, ResponseIn


async def create(conn: Conn, principal: Principal, complaint_id: UUID, body: RecordIn) -> RecordOut:
    status = await reachable(conn, principal, complaint_id)
    require(principal, "record.write", "Recording an oral report or meeting")
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.CREATE,
        {
            "id": complaint_id,
            "kind": body.kind,
            "held_at": body.held_at,
            "transcript": body.transcript,
            "status": status.value,
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    row = await cur.fetchone()
    assert row is not None
    return RecordOut(**row)


async def respond(
    conn: Conn, principal: Principal, complaint_id: UUID, record_id: int, body: ResponseIn
) -> RecordOut:
    status = await reachable(conn, principal, complaint_id)
    require(principal, "record.respond", "Approving or correcting a record")
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.RESPOND,
        {
            "id": complaint_id,
            "record_id": record_id,
            "new_status": "approved" if body.approve else "corrected",
            "comment": body.corrections,
            "status": status.value,
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    row = await cur.fetchone()
    if row is None:
        cur = await conn.execute(queries.ONE, {"id": complaint_id, "record_id": record_id})
        found = await cur.fetchone()
        if found is None:
            raise NotFound("No record with this id belongs to this complaint.")
        raise Conflict(f"The record was {found['status']} already.")
    return RecordOut(**row)


async def list_records(conn: Conn, principal: Principal, complaint_id: UUID) -> Records:
    await reachable(conn, principal, complaint_id)
    require(principal, "record.read", "Reading records")
    cur = await conn.execute(queries.LIST, {"id": complaint_id})
    return Records(records=[RecordOut(**r) for r in await cur.fetchall()])
