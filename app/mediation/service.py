"""Mediation (amicable settlement): each attempt's result; a settlement records its terms, which
the complainant sees. `end_mediation` needs a failed attempt, `issue_findings` a settlement."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.auth.principals import Principal
from app.complaints.service import actor, reachable, require
from app.complaints.workflow import Status
from app.db import Conn
from app.errors import Conflict
from app.mediation import queries
from app.mediation.schemas import AttemptIn, AttemptOut, Attempts


async def record(
    conn: Conn, principal: Principal, complaint_id: UUID, body: AttemptIn
) -> AttemptOut:
    status = await reachable(conn, principal, complaint_id)
    require(principal, "complaint.investigate", "Recording a mediation")
    if status is not Status.mediation:
        raise Conflict(f"Mediation results are recorded during mediation, not while {status}.")
    subject, role = actor(principal)
    public_note = (
        f"Settlement reached: {body.terms}"
        if body.result == "settled"
        else "The mediation did not reach a settlement."
    )
    cur = await conn.execute(
        queries.RECORD,
        {
            "id": complaint_id,
            "result": body.result,
            "terms": body.terms,
            "notes": body.notes,
            "mediator": body.mediator,
            "status": status.value,
            "public_note": public_note,
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    row = await cur.fetchone()
    return _out(principal, row)


async def list_attempts(conn: Conn, principal: Principal, complaint_id: UUID) -> Attempts:
    await reachable(conn, principal, complaint_id)
    cur = await conn.execute(queries.LIST, {"id": complaint_id})
    return Attempts(attempts=[_out(principal, r) for r in await cur.fetchall()])


def _out(principal: Principal, row: dict[str, Any] | None) -> AttemptOut:
    assert row is not None
    staff = principal.is_staff
    return AttemptOut(
        id=row["id"],
        result=row["result"],
        terms=row["terms"],
        notes=row["notes"] if staff else None,
        mediator=row["mediator"] if staff else None,
        recorded_at=row["recorded_at"],
    )
