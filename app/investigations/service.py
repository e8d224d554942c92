"""Investigations: the plan, the steps, and the information requests departments answer."""

from __future__ import annotations

from uuid import UUID

from app.complaints.workflow import INVESTIGATING, Status
from app.investigations import queries
from app.investigations.models import StepKind
from app.investigations.schemas import (
    AnswerIn,
    InformationRequestOut,
    InformationRequestPage,
    InvestigationIn,
    InvestigationOut,
    StepIn,
    StepOut,
)
from app.kit.access import CaseRef, lock, reach
from app.kit.errors import Conflict, NotFound
from app.kit.notify import department, notify
from app.kit.pagination import split_page
from app.kit.principals import Principal
from app.kit.sql import Conn, all_rows, compose, one


def _investigating(case: CaseRef) -> None:
    if Status(case.status) not in INVESTIGATING:
        raise Conflict(f"No investigation is open while the complaint is {case.status}.")


async def put_plan(
    conn: Conn, principal: Principal, complaint_id: UUID, body: InvestigationIn
) -> InvestigationOut:
    _investigating(await lock(conn, principal, complaint_id))
    await conn.execute(
        queries.UPSERT_PLAN, {"id": complaint_id, "plan": body.plan, **principal.actor.params}
    )
    return await _load(conn, complaint_id)


async def get(conn: Conn, principal: Principal, complaint_id: UUID) -> InvestigationOut:
    await reach(conn, principal, complaint_id)
    return await _load(conn, complaint_id)


async def add_step(
    conn: Conn, principal: Principal, complaint_id: UUID, body: StepIn
) -> InvestigationOut:
    _investigating(await lock(conn, principal, complaint_id))
    cur = await conn.execute(queries.INVESTIGATION, {"id": complaint_id})
    if await cur.fetchone() is None:
        raise Conflict("Record the investigation plan first (PUT .../investigation).")
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
            **principal.actor.params,
        },
    )
    if body.kind is StepKind.information_request and body.department is not None:
        await notify(conn, "information_request", complaint_id, department(body.department))
    return await _load(conn, complaint_id)


async def _load(conn: Conn, complaint_id: UUID) -> InvestigationOut:
    cur = await conn.execute(queries.INVESTIGATION, {"id": complaint_id})
    row = await cur.fetchone()
    if row is None:
        raise NotFound("No investigation has been opened for this complaint.")
    steps = await all_rows(conn, queries.STEPS, {"id": complaint_id}, StepOut)
    return InvestigationOut.model_validate({**row, "steps": steps})


async def list_requests(
    conn: Conn, principal: Principal, *, after: int | None, limit: int, open_only: bool
) -> InformationRequestPage:
    extra = " ".join(f for f, on in ((queries.AFTER, after), (queries.OPEN_ONLY, open_only)) if on)
    rows = await all_rows(
        conn,
        compose(queries.REQUESTS, extra=extra),
        {"department": _department(principal), "after": after, "limit": limit + 1},
        InformationRequestOut,
    )
    page, next_after = split_page(rows, limit, key=lambda r: r.id)
    return InformationRequestPage(items=page, next_after=next_after)


async def get_request(conn: Conn, principal: Principal, request_id: int) -> InformationRequestOut:
    found = await one(
        conn,
        compose(queries.REQUESTS, extra=queries.ONE),
        {"department": _department(principal), "request_id": request_id, "limit": 1},
        InformationRequestOut,
    )
    if found is None:
        raise NotFound("No information request with this id is addressed to your department.")
    return found


async def answer(
    conn: Conn, principal: Principal, request_id: int, body: AnswerIn
) -> InformationRequestOut:
    current = await get_request(conn, principal, request_id)
    if current.answered_at is not None:
        raise Conflict("This request has been answered already.")
    cur = await conn.execute(
        queries.ANSWER,
        {
            "answer": body.answer,
            "request_id": request_id,
            "department": principal.department,
            **principal.actor.params,
        },
    )
    if await cur.fetchone() is None:  # answered concurrently
        raise Conflict("This request has been answered already.")
    return await get_request(conn, principal, request_id)


def _department(principal: Principal) -> str:
    assert principal.department is not None  # tokens.verify insists on it for respondents
    return principal.department
