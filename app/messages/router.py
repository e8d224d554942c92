"""HTTP routes of the complaint's message thread."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from app.kit.access import allow_on_case
from app.kit.errors import CASE_READ, CASE_WRITE, created
from app.kit.http import Tx
from app.kit.pagination import IdPageQuery, page_limit
from app.kit.permissions import Permission as P
from app.kit.principals import Principal
from app.messages import service
from app.messages.schemas import MessageIn, MessageOut, MessagePage

router = APIRouter(
    prefix="/v1/complaints/{complaint_id}/messages", tags=["residents", "case handling"]
)
Reader = Annotated[Principal, allow_on_case(P.message_read)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Write to the complaint's thread, or add an internal note",
    description=(
        "The complainant (receipt token or resident account) adds information while the case is "
        "open (409 once it is finished); staff answer them, or with `internal: true` write a note "
        "the complainant never sees."
    ),
    responses=created("The new message", CASE_WRITE),
)
async def post_message(
    complaint_id: UUID,
    body: MessageIn,
    response: Response,
    tx: Tx,
    principal: Annotated[Principal, allow_on_case(P.message_write, P.message_internal)],
) -> MessageOut:
    message = await service.post(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/messages/{message.id}"
    return message


@router.get(
    "",
    summary="The complaint's messages, oldest first",
    description="Staff see internal notes too; the complainant never does.",
    responses=CASE_READ,
)
async def list_messages(
    complaint_id: UUID,
    request: Request,
    tx: Tx,
    principal: Reader,
    page: Annotated[IdPageQuery, Query()],
) -> MessagePage:
    size = page_limit(request.app.state.settings, page.limit)
    return await service.list_messages(tx, principal, complaint_id, after=page.after, limit=size)


@router.get(
    "/{message_id}",
    summary="One message",
    responses=CASE_READ,
)
async def get_message(complaint_id: UUID, message_id: int, tx: Tx, principal: Reader) -> MessageOut:
    return await service.get_message(tx, principal, complaint_id, message_id)
