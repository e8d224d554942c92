"""Hearings: scheduled, rescheduled or cancelled with a reason, held with minutes and an
outcome. The complainant sees when, where and the outcome; staff also see who takes part, their
needs, and the minutes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from app.complaints.workflow import Status
from app.hearings import queries
from app.hearings.models import HearingMode
from app.hearings.schemas import CancelIn, HearingIn, HearingOut, Hearings, RecordIn, RescheduleIn
from app.kit.access import lock, reach, refuse_unchanged
from app.kit.errors import Conflict
from app.kit.notify import notify_complainant
from app.kit.principals import Principal
from app.kit.sql import Conn, all_rows, one
from app.kit.trail import CaseEvent

_SCHEDULABLE = frozenset({Status.under_investigation, Status.hearing})


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


async def schedule(
    conn: Conn, principal: Principal, complaint_id: UUID, body: HearingIn
) -> HearingOut:
    case = await lock(conn, principal, complaint_id)
    if Status(case.status) not in _SCHEDULABLE:
        raise Conflict(f"Hearings are scheduled during an investigation, not while {case.status}.")
    where = body.location if body.mode is not HearingMode.online else "online"
    hearing = await _write(
        conn,
        principal,
        queries.CREATE,
        complaint_id,
        case.status,
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
    assert hearing is not None  # an INSERT ... RETURNING of one row
    await notify_complainant(conn, "hearing_scheduled", complaint_id)
    return hearing


async def change(
    conn: Conn,
    principal: Principal,
    complaint_id: UUID,
    hearing_id: int,
    body: RescheduleIn | CancelIn | RecordIn,
) -> HearingOut:
    """Reschedule, cancel or record a scheduled hearing (the body says which), with the note the
    complainant's timeline shows."""
    params: dict[str, Any]
    told: str | None = None  # what the complainant is told of (nothing of the minutes)
    match body:
        case RescheduleIn():
            sql, event, told = queries.RESCHEDULE, CaseEvent.hearing_rescheduled, "hearing_changed"
            note = f"Hearing moved to {_when(body.scheduled_at)}: {body.reason}"
            params = {"scheduled_at": body.scheduled_at}
        case CancelIn():
            sql, event, params = queries.CANCEL, CaseEvent.hearing_cancelled, {}
            told = "hearing_cancelled"
            note = f"Hearing cancelled: {body.reason}"
        case RecordIn():
            sql, event = queries.RECORD, CaseEvent.hearing_held
            note = f"Hearing held. {body.outcome}"
            params = {"minutes": body.minutes, "outcome": body.outcome}
    case = await lock(conn, principal, complaint_id)
    hearing = await _write(
        conn,
        principal,
        sql,
        complaint_id,
        case.status,
        event,
        note,
        {"hearing_id": hearing_id, **params},
    )
    if hearing is None:
        await refuse_unchanged(
            conn, queries.STATUS, {"id": complaint_id, "hearing_id": hearing_id}, "hearing"
        )
    if told is not None:
        await notify_complainant(conn, told, complaint_id)
    return hearing


async def list_hearings(conn: Conn, principal: Principal, complaint_id: UUID) -> Hearings:
    await reach(conn, principal, complaint_id)
    hearings = await all_rows(
        conn, queries.LIST, {"id": complaint_id, "staff": principal.is_staff}, HearingOut
    )
    return Hearings(hearings=hearings)


async def _write(
    conn: Conn,
    principal: Principal,
    sql: str,
    complaint_id: UUID,
    status: str,
    event: CaseEvent,
    note: str,
    params: dict[str, Any],
) -> HearingOut | None:
    return await one(
        conn,
        sql,
        {
            "id": complaint_id,
            "status": status,
            "event": event.value,
            "note": note,
            "staff": principal.is_staff,
            **principal.actor.params,
            **params,
        },
        HearingOut,
    )
