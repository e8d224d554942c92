"""Findings: drafted while investigating, issued by the workflow, communicated to the
complainant. The complainant sees the public part once issued; staff see everything."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.auth.principals import Principal
from app.complaints.service import actor, reachable, require
from app.complaints.workflow import INVESTIGATING
from app.db import Conn
from app.errors import Conflict, NotFound
from app.findings import queries
from app.findings.schemas import CommunicationIn, FindingsIn, FindingsOut


async def put(
    conn: Conn, principal: Principal, complaint_id: UUID, body: FindingsIn
) -> FindingsOut:
    status = await reachable(conn, principal, complaint_id)
    require(principal, "complaint.decide", "Writing findings")
    if status not in INVESTIGATING:
        raise Conflict(f"Findings are written while investigating, not while {status}.")
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.UPSERT,
        {
            "id": complaint_id,
            "outcome": body.outcome.value,
            "rights": [r.value for r in body.rights_affected],
            "public_summary": body.public_summary,
            "internal_reasoning": body.internal_reasoning,
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    row = await cur.fetchone()
    assert row is not None
    return _out(principal, row)


async def get(conn: Conn, principal: Principal, complaint_id: UUID) -> FindingsOut:
    await reachable(conn, principal, complaint_id)
    cur = await conn.execute(queries.GET, {"id": complaint_id})
    row = await cur.fetchone()
    # The complainant learns of findings once they are issued, not while drafted.
    if row is None or (not principal.is_staff and row["issued_at"] is None):
        raise NotFound("No findings have been issued for this complaint.")
    return _out(principal, row)


async def communicate(
    conn: Conn, principal: Principal, complaint_id: UUID, body: CommunicationIn
) -> FindingsOut:
    await reachable(conn, principal, complaint_id)
    require(principal, "complaint.decide", "Communicating the decision")
    subject, role = actor(principal)
    reason = f"Decision communicated ({body.channel.replace('_', ' ')})." + (
        f" {body.note}" if body.note else ""
    )
    cur = await conn.execute(
        queries.COMMUNICATE,
        {"id": complaint_id, "actor_subject": subject, "actor_role": role, "reason": reason},
    )
    row = await cur.fetchone()
    if row is None:
        raise Conflict("Only issued findings that were not yet communicated can be communicated.")
    return _out(principal, row)


def _out(principal: Principal, row: dict[str, Any]) -> FindingsOut:
    staff = principal.is_staff
    return FindingsOut(
        complaint_id=row["complaint_id"],
        outcome=row["outcome"],
        rights_affected=row["rights_affected"],
        public_summary=row["public_summary"],
        internal_reasoning=row["internal_reasoning"] if staff else None,
        drafted_by=row["drafted_by"] if staff else None,
        updated_at=row["updated_at"],
        issued_at=row["issued_at"],
        communicated_at=row["communicated_at"],
    )
