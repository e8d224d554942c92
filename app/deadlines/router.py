"""HTTP route of the deadlines view."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.db import single_statement
from app.deadlines import service
from app.deadlines.schemas import DeadlinePage, DeadlineQuery
from app.kit.access import allow
from app.kit.errors import LIST_READ
from app.kit.pagination import page_limit
from app.kit.permissions import Permission as P
from app.kit.principals import Principal

router = APIRouter(prefix="/v1")


@router.get(
    "/deadlines",
    tags=["case handling"],
    summary="What is due or overdue: acknowledgements, feedback, information requests, remedies",
    description=(
        "Staff, for the complaints within their reach. Soonest first; `overdue=true` for what is "
        "late, otherwise what falls due within `within_days`. Filter by `kind`, `track`, "
        "`handler` (`me` for yourself). Kind `stale_case`: an open case nothing has changed on "
        "for `OMBUDS_STALE_AFTER_MONTHS`, due for review (and `close_as_stale`) from then. "
        "Cursor-paginated."
    ),
    responses=LIST_READ,
)
async def get_deadlines(
    request: Request,
    principal: Annotated[Principal, allow(P.deadline_read)],
    query: Annotated[DeadlineQuery, Query()],
) -> DeadlinePage:
    size = page_limit(request.app.state.settings, query.limit)
    async with single_statement(request) as conn:
        stale_months = request.app.state.settings.stale_after_months
        return await service.list_deadlines(conn, principal, query, size, stale_months)
