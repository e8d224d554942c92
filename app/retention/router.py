"""HTTP routes of legal holds."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter

from app.kit.access import allow_on_case
from app.kit.errors import CASE_READ, CASE_WRITE
from app.kit.http import Tx
from app.kit.permissions import Permission as P
from app.kit.principals import Principal
from app.retention import service
from app.retention.schemas import HoldIn, LegalHold

router = APIRouter(prefix="/v1/complaints/{complaint_id}/legal-hold", tags=["case handling"])
Head = Annotated[Principal, allow_on_case(P.complaint_hold)]


@router.get(
    "",
    summary="A case's retention date and legal hold",
    description="Staff of the track: when the purge may remove the case, and any legal hold.",
    responses=CASE_READ,
)
async def get_hold(
    complaint_id: UUID, tx: Tx, principal: Annotated[Principal, allow_on_case(P.retention_read)]
) -> LegalHold:
    return await service.get_hold(tx, principal, complaint_id)


@router.put(
    "",
    summary="Set a legal hold: the case is kept past its retention date, and not erased",
    description="Head of office, with a reason (recorded on the staff timeline). 409 if set.",
    responses=CASE_WRITE,
)
async def set_hold(complaint_id: UUID, body: HoldIn, tx: Tx, principal: Head) -> LegalHold:
    return await service.set_hold(tx, principal, complaint_id, body)


@router.post(
    "/release",
    summary="Lift a legal hold",
    description="Head of office, with a reason. The retention date applies again. 409 if none.",
    responses=CASE_WRITE,
)
async def lift_hold(complaint_id: UUID, body: HoldIn, tx: Tx, principal: Head) -> LegalHold:
    return await service.lift_hold(tx, principal, complaint_id, body)
