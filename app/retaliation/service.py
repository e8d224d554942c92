"""Retaliation against a reporter (EU Directive 2019/1937 art. 19, 21(5)): the reporter files a
new case linked to the original one, flagged as priority, with the protection measures they ask
for; staff grant or refuse each measure."""

from __future__ import annotations

from uuid import UUID

from app.auth.principals import Principal
from app.complaints.schemas import ComplaintIn, Filed
from app.complaints.service import actor, file_complaint, reachable, require
from app.config import Settings
from app.crypto import Sealer
from app.db import Conn
from app.errors import Conflict, NotFound
from app.retaliation import queries
from app.retaliation.schemas import (
    MeasureDecisionIn,
    MeasureIn,
    MeasureOut,
    Measures,
    RetaliationIn,
)


async def report(
    conn: Conn,
    settings: Settings,
    sealer: Sealer,
    principal: Principal,
    original_id: UUID,
    body: RetaliationIn,
) -> Filed:
    await reachable(conn, principal, original_id)
    require(principal, "retaliation.report", "Reporting retaliation")
    cur = await conn.execute(queries.ORIGINAL, {"id": original_id})
    original = await cur.fetchone()
    assert original is not None
    filed = await file_complaint(
        conn,
        settings,
        sealer,
        ComplaintIn(
            track=original["track"],
            summary=f"Retaliation against the reporter of {original['reference']}",
            description=body.description,
            rights_affected=body.rights_affected,
            remedy_sought="Protection from retaliation and redress for it.",
        ),
        principal,
    )
    await conn.execute(queries.LINK, {"id": filed.id, "original": original_id})
    if body.measures:
        await conn.execute(queries.REQUEST_MEASURES, {"id": filed.id, "measures": body.measures})
    return filed


async def add_measure(
    conn: Conn, principal: Principal, complaint_id: UUID, body: MeasureIn
) -> MeasureOut:
    await reachable(conn, principal, complaint_id)
    require(principal, "complaint.decide", "Offering a protection measure")
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.ADD,
        {"id": complaint_id, "measure": body.measure, "actor_subject": subject, "actor_role": role},
    )
    row = await cur.fetchone()
    assert row is not None
    return MeasureOut(**row)


async def decide(
    conn: Conn, principal: Principal, complaint_id: UUID, measure_id: int, body: MeasureDecisionIn
) -> MeasureOut:
    await reachable(conn, principal, complaint_id)
    require(principal, "complaint.decide", "Deciding on a protection measure")
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.DECIDE,
        {
            "id": complaint_id,
            "measure_id": measure_id,
            "decision": body.decision,
            "note": body.note,
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    row = await cur.fetchone()
    if row is None:
        cur = await conn.execute(queries.EXISTS, {"id": complaint_id, "measure_id": measure_id})
        found = await cur.fetchone()
        if found is None:
            raise NotFound("No protection measure with this id belongs to this complaint.")
        raise Conflict(f"The measure was {found['status']} already.")
    return MeasureOut(**row)


async def list_measures(conn: Conn, principal: Principal, complaint_id: UUID) -> Measures:
    await reachable(conn, principal, complaint_id)
    cur = await conn.execute(queries.LIST, {"id": complaint_id})
    return Measures(measures=[MeasureOut(**r) for r in await cur.fetchall()])
