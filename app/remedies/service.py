"""Remedies: recommended by the office, answered and reported on by the addressed department,
assessed by the office. The complaint closes from follow-up only when every remedy is assessed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.auth.principals import Principal
from app.complaints.service import actor, reachable, require
from app.complaints.workflow import FindingOutcome, RemedyResponse, Status
from app.config import Settings
from app.db import Conn
from app.errors import Conflict, NotFound
from app.pagination import split_page
from app.remedies import queries
from app.remedies.schemas import (
    AssessmentIn,
    RemedyForDepartment,
    RemedyIn,
    RemedyList,
    RemedyOut,
    RemedyPage,
    ReportIn,
    ResponseIn,
)

_DRAFTING = frozenset({Status.findings_issued, Status.remedy_follow_up})
_RECOMMENDED = frozenset({Status.remedy_follow_up, Status.closed})
_REMEDIABLE = frozenset(
    {FindingOutcome.violation_found, FindingOutcome.partially_founded, FindingOutcome.settled}
)


async def recommend(
    conn: Conn, settings: Settings, principal: Principal, complaint_id: UUID, body: RemedyIn
) -> RemedyOut:
    status = await reachable(conn, principal, complaint_id)
    require(principal, "complaint.decide", "Recommending a remedy")
    if status not in _DRAFTING:
        raise Conflict(f"Remedies follow issued findings; the complaint is {status}.")
    cur = await conn.execute(queries.FINDINGS_OUTCOME, {"id": complaint_id})
    findings = await cur.fetchone()
    if findings is None or findings["outcome"] not in _REMEDIABLE:
        raise Conflict(
            "Remedies follow findings of a violation, in part or in full, or a settlement."
        )
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.INSERT,
        {
            "id": complaint_id,
            "form": body.form.value,
            "department": body.department,
            "description": body.description,
            "response_due_at": body.response_due_at,
            "implementation_due_at": body.implementation_due_at,
            "actor_subject": subject,
            "actor_role": role,
            "departments": settings.departments,
        },
    )
    row = await cur.fetchone()
    assert row is not None
    return (await _for_complaint(conn, principal, complaint_id, row["id"]))[0]


async def list_for_complaint(conn: Conn, principal: Principal, complaint_id: UUID) -> RemedyList:
    status = await reachable(conn, principal, complaint_id)
    # The complainant follows remedies once they are recommended, not while drafted.
    if not principal.is_staff and status not in _RECOMMENDED:
        return RemedyList(complaint_id=complaint_id, remedies=[])
    return RemedyList(
        complaint_id=complaint_id, remedies=await _for_complaint(conn, principal, complaint_id)
    )


async def assess(
    conn: Conn,
    settings: Settings,
    principal: Principal,
    complaint_id: UUID,
    remedy_id: int,
    body: AssessmentIn,
) -> RemedyOut:
    status = await reachable(conn, principal, complaint_id)
    require(principal, "complaint.decide", "Assessing a remedy")
    if status is not Status.remedy_follow_up:
        raise Conflict(f"Remedies are assessed during follow-up; the complaint is {status}.")
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.ASSESS,
        {
            "id": complaint_id,
            "remedy_id": remedy_id,
            "assessment": body.assessment.value,
            "note": body.note,
            "actor_subject": subject,
            "actor_role": role,
            "departments": settings.departments,
        },
    )
    if await cur.fetchone() is None:
        raise NotFound("No remedy with this id belongs to this complaint.")
    return (await _for_complaint(conn, principal, complaint_id, remedy_id))[0]


async def _for_complaint(
    conn: Conn, principal: Principal, complaint_id: UUID, remedy_id: int | None = None
) -> list[RemedyOut]:
    extra = "AND r.id = %(remedy_id)s" if remedy_id is not None else ""
    cur = await conn.execute(
        queries.FOR_COMPLAINT.format(extra=extra), {"id": complaint_id, "remedy_id": remedy_id}
    )
    staff = principal.is_staff
    return [
        RemedyOut(**{**r, "assessment_note": r["assessment_note"] if staff else None})
        for r in await cur.fetchall()
    ]


# The addressed department.


async def list_for_department(
    conn: Conn, principal: Principal, *, after: int | None, limit: int, open_only: bool
) -> RemedyPage:
    extra = ("AND r.id > %(after)s " if after else "") + (
        "AND r.assessment IS NULL" if open_only else ""
    )
    rows = await _department_rows(conn, principal, extra, {"after": after, "limit": limit + 1})
    page, next_after = split_page(rows, limit, key=lambda r: r["id"])
    return RemedyPage(items=[RemedyForDepartment(**r) for r in page], next_after=next_after)


async def get_for_department(
    conn: Conn, principal: Principal, remedy_id: int
) -> RemedyForDepartment:
    rows = await _department_rows(
        conn, principal, "AND r.id = %(remedy_id)s", {"remedy_id": remedy_id, "limit": 1}
    )
    if not rows:
        raise NotFound("No remedy with this id is addressed to your department.")
    return RemedyForDepartment(**rows[0])


async def respond(
    conn: Conn, settings: Settings, principal: Principal, remedy_id: int, body: ResponseIn
) -> RemedyForDepartment:
    current = await get_for_department(conn, principal, remedy_id)
    require(principal, "remedy.respond", "Answering a remedy")
    if current.response is not None:
        raise Conflict(f"The department has answered already ({current.response}).")
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.RESPOND,
        {
            "remedy_id": remedy_id,
            "response": body.response.value,
            "reasons": body.reasons,
            "actor_subject": subject,
            "actor_role": role,
            "departments": settings.departments,
        },
    )
    if await cur.fetchone() is None:  # answered concurrently
        raise Conflict("The department has answered already.")
    return await get_for_department(conn, principal, remedy_id)


async def report(
    conn: Conn, principal: Principal, remedy_id: int, body: ReportIn
) -> RemedyForDepartment:
    current = await get_for_department(conn, principal, remedy_id)
    require(principal, "remedy.respond", "Reporting on a remedy")
    if current.response is not RemedyResponse.accepted:
        raise Conflict("Progress is reported on accepted remedies.")
    if current.assessment is not None:
        raise Conflict("The office has assessed this remedy already.")
    subject, role = actor(principal)
    await conn.execute(
        queries.REPORT,
        {
            "remedy_id": remedy_id,
            "kind": body.kind,
            "text": body.text,
            "evidence": body.evidence,
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    return await get_for_department(conn, principal, remedy_id)


async def _department_rows(
    conn: Conn, principal: Principal, extra: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    require(principal, "remedy.read", "Remedies addressed to a department")
    cur = await conn.execute(
        queries.FOR_DEPARTMENT.format(extra=extra), {"department": principal.department, **params}
    )
    return await cur.fetchall()
