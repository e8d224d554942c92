"""Protection measures for a reporter facing retaliation (EU Directive 2019/1937 art. 19,
21(5)): asked for in the retaliation report (filed through the complaints room) or offered by
staff, then granted or refused."""

from __future__ import annotations

from uuid import UUID

from app.kit.access import lock, reach, refuse_unchanged
from app.kit.principals import Principal
from app.kit.sql import Conn, all_rows, one
from app.retaliation import queries
from app.retaliation.schemas import MeasureDecisionIn, MeasureIn, MeasureOut, Measures


async def add_measure(
    conn: Conn, principal: Principal, complaint_id: UUID, body: MeasureIn
) -> MeasureOut:
    await lock(conn, principal, complaint_id)
    measure = await one(
        conn,
        queries.ADD,
        {"id": complaint_id, "measure": body.measure, **principal.actor.params},
        MeasureOut,
    )
    assert measure is not None  # an INSERT ... RETURNING of one row
    return measure


async def decide(
    conn: Conn, principal: Principal, complaint_id: UUID, measure_id: int, body: MeasureDecisionIn
) -> MeasureOut:
    await lock(conn, principal, complaint_id)
    measure = await one(
        conn,
        queries.DECIDE,
        {
            "id": complaint_id,
            "measure_id": measure_id,
            "decision": body.decision,
            "note": body.note,
            **principal.actor.params,
        },
        MeasureOut,
    )
    if measure is None:
        await refuse_unchanged(
            conn,
            queries.STATUS,
            {"id": complaint_id, "measure_id": measure_id},
            "protection measure",
        )
    return measure


async def list_measures(conn: Conn, principal: Principal, complaint_id: UUID) -> Measures:
    await reach(conn, principal, complaint_id)
    return Measures(measures=await all_rows(conn, queries.LIST, {"id": complaint_id}, MeasureOut))
