"""Findings: drafted while investigating, issued by the workflow, communicated to the
complainant. The complainant sees the public part once issued; staff see everything."""

from __future__ import annotations

from uuid import UUID

from app.complaints.workflow import INVESTIGATING, Status
from app.findings import queries
from app.findings.schemas import CommunicationIn, FindingsIn, FindingsOut
from app.kit.access import lock, reach
from app.kit.errors import Conflict, NotFound
from app.kit.notify import notify_complainant
from app.kit.principals import Principal
from app.kit.sql import Conn, one


async def put(
    conn: Conn, principal: Principal, complaint_id: UUID, body: FindingsIn
) -> FindingsOut:
    case = await lock(conn, principal, complaint_id)
    if Status(case.status) not in INVESTIGATING:
        raise Conflict(f"Findings are written while investigating, not while {case.status}.")
    findings = await one(
        conn,
        queries.UPSERT,
        {
            "id": complaint_id,
            "outcome": body.outcome.value,
            "rights": [r.value for r in body.rights_affected],
            "public_summary": body.public_summary,
            "internal_reasoning": body.internal_reasoning,
            "staff": principal.is_staff,
            **principal.actor.params,
        },
        FindingsOut,
    )
    assert findings is not None  # an upsert returns its row
    return findings


async def get(conn: Conn, principal: Principal, complaint_id: UUID) -> FindingsOut:
    await reach(conn, principal, complaint_id)
    findings = await one(
        conn, queries.GET, {"id": complaint_id, "staff": principal.is_staff}, FindingsOut
    )
    if findings is None:
        raise NotFound("No findings have been issued for this complaint.")
    return findings


async def communicate(
    conn: Conn, principal: Principal, complaint_id: UUID, body: CommunicationIn
) -> FindingsOut:
    await lock(conn, principal, complaint_id)
    reason = f"Decision communicated ({body.channel.replace('_', ' ')})." + (
        f" {body.note}" if body.note else ""
    )
    findings = await one(
        conn,
        queries.COMMUNICATE,
        {
            "id": complaint_id,
            "reason": reason,
            "staff": principal.is_staff,
            **principal.actor.params,
        },
        FindingsOut,
    )
    if findings is None:
        raise Conflict("Only issued findings that were not yet communicated can be communicated.")
    await notify_complainant(conn, "decision_communicated", complaint_id)
    return findings
