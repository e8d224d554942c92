"""HTTP routes of the complaint's message thread."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.deps import CurrentPrincipal
from app.db import transaction
from app.errors import problem_responses, response_headers
from app.messages import service
from app.messages.schemas import MessageIn, MessageOut, MessagePage
from app.pagination import IdPageQuery, page_limit

router = APIRouter(
    prefix="/v1/complaints/{complaint_id}/messages", tags=["residents", "case handling"]
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Write to the complaint's thread, or add an internal note",
    description=(
        "The complainant (receipt token or resident account) adds information while the case is "
        "open (409 once it is finished); staff answer them, or with `internal: true` write a note "
        "the complainant never sees."
    ),
    responses={
        201: response_headers(Location="The new message"),
        **problem_responses(400, 401, 403, 404, 409, 413, 422, 503),
    },
)
async def post_message(
    complaint_id: UUID,
    body: MessageIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
) -> MessageOut:
    async with transaction(request) as tx:
        message = await service.post(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/messages/{message.id}"
    return message


@router.get(
    "",
    summary="The complaint's messages, oldest first",
    description="Staff see internal notes too; the complainant never does.",
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def list_messages(
    complaint_id: UUID,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    page: Annotated[IdPageQuery, Query()],
) -> MessagePage:
    size = page_limit(request.app.state.settings, page.limit)
    response.headers["Cache-Control"] = "private, no-store"
    async with transaction(request) as tx:
        return await service.list_messages(
            tx, principal, complaint_id, after=page.after, limit=size
        )


@router.get(
    "/{message_id}",
    summary="One message",
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def get_message(
    complaint_id: UUID,
    message_id: int,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
) -> MessageOut:
    response.headers["Cache-Control"] = "private, no-store"
    async with transaction(request) as tx:
        return await service.get_message(tx, principal, complaint_id, message_id)
