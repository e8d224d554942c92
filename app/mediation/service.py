"""Mediation (amicable settlement): each attempt's result; a settlement records its terms, which
the complainant sees. `end_mediation` needs a failed attempt, `issue_findings` a settlement."""

from __future__ import annotations

from uuid import UUID

from app.complaints.workflow import Status
from app.kit.access import lock, reach
from app.kit.errors import Conflict
from app.kit.principals import Principal
from app.kit.sql import Conn, all_rows, one
from app.mediation import queries
from app.mediation.schemas import AttemptIn, AttemptOut, Attempts


async def record(
    conn: Conn, principal: Principal, complaint_id: UUID, body: AttemptIn
) -> AttemptOut:
    case = await lock(conn, principal, complaint_id)
    if case.status != Status.mediation:
        raise Conflict(f"Mediation results are recorded during mediation, not while {case.status}.")
    public_note = (
        f"Settlement reached: {body.terms}"
        if body.result == "settled"
        else "The mediation did not reach a settlement."
    )
    attempt = await one(
        conn,
        queries.RECORD,
        {
            "id": complaint_id,
            "result": body.result,
            "terms": body.terms,
            "notes": body.notes,
            "mediator": body.mediator,
            "status": case.status,
            "public_note": public_note,
            "staff": principal.is_staff,
            **principal.actor.params,
        },
        AttemptOut,
    )
    assert attempt is not None  # an INSERT ... RETURNING of one row
    return attempt


async def list_attempts(conn: Conn, principal: Principal, complaint_id: UUID) -> Attempts:
    await reach(conn, principal, complaint_id)
    attempts = await all_rows(
        conn, queries.LIST, {"id": complaint_id, "staff": principal.is_staff}, AttemptOut
    )
    return Attempts(attempts=attempts)
