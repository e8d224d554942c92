"""HTTP routes of erasure requests (GDPR art. 17)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, BackgroundTasks, Request, status

from app.datasubject import service
from app.datasubject.schemas import (
    ErasureDecisionIn,
    ErasureExtensionIn,
    ErasureRequestIn,
    ErasureRequestOut,
    ErasureRequests,
)
from app.kit.access import allow_on_case
from app.kit.errors import CASE_READ, CASE_WRITE
from app.kit.http import Tx
from app.kit.permissions import Permission as P
from app.kit.principals import Principal

router = APIRouter(prefix="/v1/complaints/{complaint_id}/erasure-requests", tags=["case handling"])
Asker = Annotated[Principal, allow_on_case(P.erasure_handle, P.erasure_request)]
Handler = Annotated[Principal, allow_on_case(P.erasure_handle)]
Decider = Annotated[Principal, allow_on_case(P.erasure_decide)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Ask for the erasure of one's personal data, or record such a request (due in a month)",
    description=(
        "The complainant (receipt or resident account) asks here, online; staff of the track "
        "record a request that reached the office otherwise, saying how (`channel`). One "
        "request pending at a time per case (409)."
    ),
    responses=CASE_WRITE,
)
async def record(
    complaint_id: UUID, body: ErasureRequestIn, tx: Tx, principal: Asker
) -> ErasureRequestOut:
    return await service.record(tx, principal, complaint_id, body)


@router.get(
    "",
    summary="Erasure requests on a case, with their deadlines and decisions",
    description="Staff of the track, and the complainant, who sees the answers given.",
    responses=CASE_READ,
)
async def list_requests(complaint_id: UUID, tx: Tx, principal: Asker) -> ErasureRequests:
    return await service.list_requests(tx, principal, complaint_id)


@router.post(
    "/{request_id}/extension",
    summary="Extend the deadline by one or two months, once, with reasons (GDPR art. 12(3))",
    description=(
        "Staff of the track, before the month is over. The complainant is told the new date "
        "and the reasons in the case's thread."
    ),
    responses=CASE_WRITE,
)
async def extend(
    complaint_id: UUID, request_id: int, body: ErasureExtensionIn, tx: Tx, principal: Handler
) -> ErasureRequestOut:
    return await service.extend(tx, principal, complaint_id, request_id, body)


@router.post(
    "/{request_id}/decision",
    summary="Execute an erasure (irreversible), or refuse it on a ground of art. 17(3)",
    description=(
        "A head of office (`ombudsperson`, `oversight_head`) who did not record the request "
        "(four eyes; 403 otherwise). `execute` replaces every free text of the case, removes "
        "contact details, named persons, characteristics and files, and replaces the "
        "complainant's account by its keyed pseudonym; the case's codes, dates and decisions "
        "stay. It needs a finished case and no legal hold (409). `refuse` needs `ground`: "
        "`legal_obligation`, `public_interest` (17(3)(b)), `archiving_or_statistics` (17(3)(d)) "
        "or `legal_claims` (17(3)(e)). Either way the complainant is told, with the reason, in "
        "the case's thread."
    ),
    responses=CASE_WRITE,
)
async def decide(
    complaint_id: UUID,
    request_id: int,
    body: ErasureDecisionIn,
    request: Request,
    background: BackgroundTasks,
    tx: Tx,
    principal: Decider,
) -> ErasureRequestOut:
    settings = request.app.state.settings
    decided, files = await service.decide(tx, settings, principal, complaint_id, request_id, body)
    # Background tasks run once the response is ready, after the erasure committed; a file left
    # by a crash in between has no row any more and the orphan sweep removes it.
    background.add_task(service.delete_files, request.app.state.storage, files)
    return decided
