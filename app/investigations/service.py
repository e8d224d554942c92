"""Investigations: the plan, the steps, and the information requests departments answer."""

from __future__ import annotations

from uuid import UUID

from app.auth.principals import Principal
from app.complaints.service import actor, reachable, require
from app.complaints.workflow import INVESTIGATING
from app.db import Conn
from app.errors import Conflict, NotFound
from app.investigations import queries
from app.investigations.schemas import (
    AnswerIn,
    InformationRequestOut,
    InformationRequestPage,
    InvestigationIn,
    InvestigationOut,
    StepIn,
    StepOut,
)
from app.pagination import split_page


async def put_plan(
    conn: Conn, principal: Principal, complaint_id: UUID, body: InvestigationIn
) -> InvestigationOut:
    status = await reachable(conn, principal, complaint_id)
    require(principal, "investigation.write", "Planning an investigation")
    if status not in INVESTIGATING:
        raise Conflict(f"No investigation is open while the complaint is {status}.")
    subject, role = actor(principal)
    await conn.execute(
        queries.UPSERT_PLAN,
        {"id": complaint_id, "plan": body.plan, "actor_subject": subject, "actor_role": role},
    )
    return await _load(conn, complaint_id)


async def get(conn: Conn, principal: Principal, complaint_id: UUID) -> InvestigationOut:
    await reachable(conn, principal, complaint_id)
    require(principal, "investigation.read", "Reading an investigation")
    return await _load(conn, complaint_id)


async def add_step(
    conn: Conn, principal: Principal, complaint_id: UUID, body: StepIn
) -> InvestigationOut:
    status = await reachable(conn, principal, complaint_id)
    require(principal, "investigation.write", "Recording an investigation step")
    if status not in INVESTIGATING:
        raise Conflict(f"No investigation is open while the complaint is {status}.")
    cur = await conn.execute(queries.INVESTIGATION, {"id": complaint_id})
    if await cur.fetchone() is None:
        raise Conflict("Record the investigation plan first (PUT .../investigation).")
    subject, role = actor(principal)
    await conn.execute(
        queries.ADD_STEP,
        {
            "id": complaint_id,
            "kind": body.kind.value,
            "summary": body.summary,
            "details": body.details,
            "occurred_on": body.occurred_on,
            "department": body.department,
            "due_at": body.due_at,
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    return await _load(conn, complaint_id)


async def _load(conn: Conn, complaint_id: UUID) -> InvestigationOut:
    cur = await conn.execute(queries.INVESTIGATION, {"id": complaint_id})
    row = await cur.fetchone()
    if row is None:
        raise NotFound("No investigation has been opened for this complaint.")
    cur = await conn.execute(queries.STEPS, {"id": complaint_id})
    return InvestigationOut(**row, steps=[StepOut(**s) for s in await cur.fetchall()])


async def list_requests(
    conn: Conn, principal: Principal, *, after: int | None, limit: int, open_only: bool
) -> InformationRequestPage:
    department = _department(principal)
    extra = ("AND s.id > %(after)s " if after else "") + (
        "AND s.answered_at IS NULL" if open_only else ""
    )
    cur = await conn.execute(
        queries.REQUESTS.format(extra=extra),
        {"department": department, "after": after, "limit": limit + 1},
    )
    page, next_after = split_page(await cur.fetchall(), limit, key=lambda r: r["id"])
    return InformationRequestPage(
        items=[InformationRequestOut(**r) for r in page], next_after=next_after
    )


async def get_request(conn: Conn, principal: Principal, request_id: int) -> InformationRequestOut:
    department = _department(principal)
    cur = await conn.execute(
        queries.REQUESTS.format(extra="AND s.id = %(request_id)s"),
        {"department": department, "request_id": request_id, "limit": 1},
    )
    row = await cur.fetchone()
    if row is None:
        raise NotFound("No information request with this id is addressed to your department.")
    return InformationRequestOut(**row)


async def answer(
    conn: Conn, principal: Principal, request_id: int, body: AnswerIn
) -> InformationRequestOut:
    current = await get_request(conn, principal, request_id)
    require(principal, "information_request.answer", "Answering an information request")
    if current.answered_at is not None:
        raise Conflict("This request has been answered already.")
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.ANSWER,
        {
            "answer": body.answer,
            "request_id": request_id,
            "department": principal.department,
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    if await cur.fetchone() is None:  # answered concurrently
        raise Conflict("This request has been answered already.")
    return await get_request(conn, principal, request_id)


def _department(principal: Principal) -> str:
    require(principal, "information_request.read", "Information requests")
    assert principal.department is not None  # tokens.verify insists on it for respondents
    return principal.department
