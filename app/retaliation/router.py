"""HTTP routes of protection measures (the retaliation report itself is a filing: see
app.complaints.router)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Response, status

from app.kit.access import allow_on_case
from app.kit.errors import CASE_WRITE, OPEN_CASE_READ, created
from app.kit.http import Tx
from app.kit.permissions import Permission as P
from app.kit.principals import Principal
from app.retaliation import service
from app.retaliation.schemas import MeasureDecisionIn, MeasureIn, MeasureOut, Measures

router = APIRouter(prefix="/v1/complaints/{complaint_id}")
Decider = Annotated[Principal, allow_on_case(P.complaint_decide)]


@router.get(
    "/protection-measures",
    tags=["residents", "oversight", "case handling"],
    summary="Protection measures asked for, granted or refused",
    responses=OPEN_CASE_READ,
)
async def get_measures(
    complaint_id: UUID, tx: Tx, principal: Annotated[Principal, allow_on_case(P.complaint_read)]
) -> Measures:
    return await service.list_measures(tx, principal, complaint_id)


@router.post(
    "/protection-measures",
    status_code=status.HTTP_201_CREATED,
    tags=["oversight", "case handling"],
    summary="Offer a protection measure",
    responses=created("The case's protection measures", CASE_WRITE),
)
async def post_measure(
    complaint_id: UUID, body: MeasureIn, response: Response, tx: Tx, principal: Decider
) -> MeasureOut:
    measure = await service.add_measure(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/protection-measures"
    return measure


@router.post(
    "/protection-measures/{measure_id}/decision",
    tags=["oversight", "case handling"],
    summary="Grant or refuse a protection measure",
    responses=CASE_WRITE,
)
async def decide_measure(
    complaint_id: UUID, measure_id: int, body: MeasureDecisionIn, tx: Tx, principal: Decider
) -> MeasureOut:
    return await service.decide(tx, principal, complaint_id, measure_id, body)
