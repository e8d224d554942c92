"""Hearings: scheduled, rescheduled or cancelled with a reason, held with minutes and an
outcome. The complainant sees when, where and the outcome; staff also see who takes part, their
needs, and the minutes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from app.auth.principals import Principal
from app.complaints.service import actor, reachable, require
from app.complaints.workflow import CaseEvent, HearingMode, Status
from app.db import Conn
from app.errors import Conflict, NotFound
from app.hearings import queries
from app.hearings.schemas import CancelIn, HearingIn, HearingOut, Hearings, RecordIn, RescheduleIn

_SCHEDULABLE = frozenset({Status.under_investigation, Status.hearing})


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


async def schedule(
    conn: Conn, principal: Principal, complaint_id: UUID, body: HearingIn
) -> HearingOut:
    status = await reachable(conn, principal, complaint_id)
    require(principal, "complaint.investigate", "Scheduling a hearing")
    if status not in _SCHEDULABLE:
        raise Conflict(f"Hearings are scheduled during an investigation, not while {status}.")
    where = body.location if body.mode is not HearingMode.online else "online"
    row = await _write(
        conn,
        principal,
        queries.CREATE,
        complaint_id,
        status,
        CaseEvent.hearing_scheduled,
        f"Hearing on {_when(body.scheduled_at)}, {body.mode.value.replace('_', ' ')}: {where}.",
        {
            "scheduled_at": body.scheduled_at,
            "mode": body.mode.value,
            "location": body.location,
            "online_url": body.online_url,
            "participants": Jsonb([p.model_dump(exclude_none=True) for p in body.participants]),
        },
    )
    return _out(principal, row)


async def reschedule(
    conn: Conn, principal: Principal, complaint_id: UUID, hearing_id: int, body: RescheduleIn
) -> HearingOut:
    return await _change(
        conn,
        principal,
        complaint_id,
        hearing_id,
        queries.RESCHEDULE,
        CaseEvent.hearing_rescheduled,
        f"Hearing moved to {_when(body.scheduled_at)}: {body.reason}",
        {"scheduled_at": body.scheduled_at},
    )


async def cancel(
    conn: Conn, principal: Principal, complaint_id: UUID, hearing_id: int, body: CancelIn
) -> HearingOut:
    return await _change(
        conn,
        principal,
        complaint_id,
        hearing_id,
        queries.CANCEL,
        CaseEvent.hearing_cancelled,
        f"Hearing cancelled: {body.reason}",
        {},
    )


async def record(
    conn: Conn, principal: Principal, complaint_id: UUID, hearing_id: int, body: RecordIn
) -> HearingOut:
    return await _change(
        conn,
        principal,
        complaint_id,
        hearing_id,
        queries.RECORD,
        CaseEvent.hearing_held,
        f"Hearing held. {body.outcome}",
        {"minutes": body.minutes, "outcome": body.outcome},
    )


async def list_hearings(conn: Conn, principal: Principal, complaint_id: UUID) -> Hearings:
    await reachable(conn, principal, complaint_id)
    cur = await conn.execute(queries.LIST, {"id": complaint_id})
    return Hearings(hearings=[_out(principal, r) for r in await cur.fetchall()])


async def _change(
    conn: Conn,
    principal: Principal,
    complaint_id: UUID,
    hearing_id: int,
    sql: str,
    event: CaseEvent,
    note: str,
    params: dict[str, Any],
) -> HearingOut:
    status = await reachable(conn, principal, complaint_id)
    require(principal, "complaint.investigate", "Changing a hearing")
    row = await _write(
        conn,
        principal,
        sql,
        complaint_id,
        status,
        event,
        note,
        {"hearing_id": hearing_id, **params},
    )
    if row is None:
        cur = await conn.execute(queries.EXISTS, {"id": complaint_id, "hearing_id": hearing_id})
        found = await cur.fetchone()
        if found is None:
            raise NotFound("No hearing with this id belongs to this complaint.")
        raise Conflict(f"The hearing is {found['status']}: only scheduled hearings change.")
    return _out(principal, row)


async def _write(
    conn: Conn,
    principal: Principal,
    sql: str,
    complaint_id: UUID,
    status: Status,
    event: CaseEvent,
    note: str,
    params: dict[str, Any],
) -> dict[str, Any] | None:
    subject, role = actor(principal)
    cur = await conn.execute(
        sql,
        {
            "id": complaint_id,
            "status": status.value,
            "event": event.value,
            "note": note,
            "actor_subject": subject,
            "actor_role": role,
            **params,
        },
    )
    return await cur.fetchone()


def _out(principal: Principal, row: dict[str, Any] | None) -> HearingOut:
    assert row is not None
    staff = principal.is_staff
    return HearingOut(
        id=row["id"],
        scheduled_at=row["scheduled_at"],
        mode=row["mode"],
        location=row["location"],
        online_url=row["online_url"],
        status=row["status"],
        outcome=row["outcome"],
        participants=row["participants"] if staff else None,
        minutes=row["minutes"] if staff else None,
        updated_at=row["updated_at"],
    )
