"""Remedies: recommended by the office, answered and reported on by the addressed department,
assessed by the office. The complaint closes from follow-up only when every remedy is assessed."""

from __future__ import annotations

from uuid import UUID

from app.complaints.workflow import Status
from app.findings.models import FindingOutcome
from app.kit.access import lock, reach
from app.kit.errors import Conflict, NotFound
from app.kit.notify import department, notify, notify_complainant
from app.kit.pagination import split_page
from app.kit.principals import Principal
from app.kit.sql import Conn, Params, all_rows, compose
from app.remedies import queries
from app.remedies.models import RemedyResponse
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
    conn: Conn, principal: Principal, complaint_id: UUID, body: RemedyIn
) -> RemedyOut:
    case = await lock(conn, principal, complaint_id)
    if Status(case.status) not in _DRAFTING:
        raise Conflict(f"Remedies follow issued findings; the complaint is {case.status}.")
    cur = await conn.execute(queries.FINDINGS_OUTCOME, {"id": complaint_id})
    findings = await cur.fetchone()
    if findings is None or findings["outcome"] not in _REMEDIABLE:
        raise Conflict(
            "Remedies follow findings of a violation, in part or in full, or a settlement."
        )
    cur = await conn.execute(
        queries.INSERT,
        {
            "id": complaint_id,
            "form": body.form.value,
            "department": body.department,
            "description": body.description,
            "response_due_at": body.response_due_at,
            "implementation_due_at": body.implementation_due_at,
            **principal.actor.params,
        },
    )
    row = await cur.fetchone()
    assert row is not None  # an INSERT ... RETURNING of one row
    # During follow-up the department sees the remedy at once: it is told now (those drafted
    # before are told by the `recommend_remedies` transition).
    if case.status == Status.remedy_follow_up:
        await notify(conn, "remedy_recommended", complaint_id, department(body.department))
    return (await _for_complaint(conn, principal, complaint_id, row["id"]))[0]


async def list_for_complaint(conn: Conn, principal: Principal, complaint_id: UUID) -> RemedyList:
    case = await reach(conn, principal, complaint_id)
    # The complainant follows remedies once they are recommended, not while drafted.
    if not principal.is_staff and Status(case.status) not in _RECOMMENDED:
        return RemedyList(complaint_id=complaint_id, remedies=[])
    return RemedyList(
        complaint_id=complaint_id, remedies=await _for_complaint(conn, principal, complaint_id)
    )


async def assess(
    conn: Conn,
    principal: Principal,
    complaint_id: UUID,
    remedy_id: int,
    body: AssessmentIn,
) -> RemedyOut:
    case = await lock(conn, principal, complaint_id)
    if case.status != Status.remedy_follow_up:
        raise Conflict(f"Remedies are assessed during follow-up; the complaint is {case.status}.")
    cur = await conn.execute(
        queries.ASSESS,
        {
            "id": complaint_id,
            "remedy_id": remedy_id,
            "assessment": body.assessment.value,
            "note": body.note,
            **principal.actor.params,
        },
    )
    if await cur.fetchone() is None:
        raise NotFound("No remedy with this id belongs to this complaint.")
    # The complainant is told that the outcome of a remedy was recorded (not which, nor how).
    await notify_complainant(conn, "remedy_outcome", complaint_id)
    return (await _for_complaint(conn, principal, complaint_id, remedy_id))[0]


async def _for_complaint(
    conn: Conn, principal: Principal, complaint_id: UUID, remedy_id: int | None = None
) -> list[RemedyOut]:
    return await all_rows(
        conn,
        compose(queries.FOR_COMPLAINT, extra=queries.ONE_REMEDY if remedy_id is not None else ""),
        {"id": complaint_id, "remedy_id": remedy_id, "staff": principal.is_staff},
        RemedyOut,
    )


# The addressed department.


async def list_for_department(
    conn: Conn, principal: Principal, *, after: int | None, limit: int, open_only: bool
) -> RemedyPage:
    extra = " ".join(f for f, on in ((queries.AFTER, after), (queries.OPEN_ONLY, open_only)) if on)
    rows = await _department_rows(conn, principal, extra, {"after": after, "limit": limit + 1})
    page, next_after = split_page(rows, limit, key=lambda r: r.id)
    return RemedyPage(items=page, next_after=next_after)


async def get_for_department(
    conn: Conn, principal: Principal, remedy_id: int
) -> RemedyForDepartment:
    rows = await _department_rows(
        conn, principal, queries.ONE_REMEDY, {"remedy_id": remedy_id, "limit": 1}
    )
    if not rows:
        raise NotFound("No remedy with this id is addressed to your department.")
    return rows[0]


async def respond(
    conn: Conn, principal: Principal, remedy_id: int, body: ResponseIn
) -> RemedyForDepartment:
    current = await get_for_department(conn, principal, remedy_id)
    if current.response is not None:
        raise Conflict(f"The department has answered already ({current.response}).")
    cur = await conn.execute(
        queries.RESPOND,
        {
            "remedy_id": remedy_id,
            "response": body.response.value,
            "reasons": body.reasons,
            **principal.actor.params,
        },
    )
    if await cur.fetchone() is None:  # answered concurrently
        raise Conflict("The department has answered already.")
    return await get_for_department(conn, principal, remedy_id)


async def report(
    conn: Conn, principal: Principal, remedy_id: int, body: ReportIn
) -> RemedyForDepartment:
    current = await get_for_department(conn, principal, remedy_id)
    if current.response is not RemedyResponse.accepted:
        raise Conflict("Progress is reported on accepted remedies.")
    if current.assessment is not None:
        raise Conflict("The office has assessed this remedy already.")
    await conn.execute(
        queries.REPORT,
        {
            "remedy_id": remedy_id,
            "kind": body.kind,
            "text": body.text,
            "evidence": body.evidence,
            **principal.actor.params,
        },
    )
    return await get_for_department(conn, principal, remedy_id)


async def _department_rows(
    conn: Conn, principal: Principal, extra: str, params: Params
) -> list[RemedyForDepartment]:
    return await all_rows(
        conn,
        compose(queries.FOR_DEPARTMENT, extra=extra),
        {"department": principal.department, **params},
        RemedyForDepartment,
    )
