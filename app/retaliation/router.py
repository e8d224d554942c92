"""HTTP routes of retaliation reports and protection measures."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from app.auth.deps import CurrentPrincipal
from app.complaints.schemas import Filed
from app.db import transaction
from app.errors import problem_responses, response_headers
from app.retaliation import service
from app.retaliation.schemas import (
    MeasureDecisionIn,
    MeasureIn,
    MeasureOut,
    Measures,
    RetaliationIn,
)

router = APIRouter(prefix="/v1/complaints/{complaint_id}")
_WRITE_ERRORS = problem_responses(400, 401, 403, 404, 409, 413, 422, 503)


@router.post(
    "/retaliation",
    status_code=status.HTTP_201_CREATED,
    tags=["residents", "oversight"],
    summary="Report retaliation for this report",
    description=(
        "The reporter (receipt token or resident account) files a new case linked to this one, "
        "flagged as priority, with the protection measures they ask for. The answer carries the "
        "new case's reference and receipt, shown once."
    ),
    responses={
        201: response_headers(Location="The new case"),
        **_WRITE_ERRORS,
    },
)
async def post_retaliation(
    complaint_id: UUID,
    body: RetaliationIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
) -> Filed:
    async with transaction(request) as tx:
        filed = await service.report(
            tx,
            request.app.state.settings,
            request.app.state.sealer,
            principal,
            complaint_id,
            body,
        )
    response.headers["Location"] = f"/v1/complaints/{filed.id}"
    response.headers["Cache-Control"] = "no-store"
    return filed


@router.get(
    "/protection-measures",
    tags=["residents", "oversight", "case handling"],
    summary="Protection measures asked for, granted or refused",
    responses=problem_responses(401, 404, 422, 503),
)
async def get_measures(
    complaint_id: UUID, request: Request, response: Response, principal: CurrentPrincipal
) -> Measures:
    response.headers["Cache-Control"] = "private, no-store"
    async with transaction(request) as tx:
        return await service.list_measures(tx, principal, complaint_id)


@router.post(
    "/protection-measures",
    status_code=status.HTTP_201_CREATED,
    tags=["oversight", "case handling"],
    summary="Offer a protection measure",
    responses={
        201: response_headers(Location="The case's protection measures"),
        **_WRITE_ERRORS,
    },
)
async def post_measure(
    complaint_id: UUID,
    body: MeasureIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
) -> MeasureOut:
    async with transaction(request) as tx:
        measure = await service.add_measure(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/protection-measures"
    return measure


@router.post(
    "/protection-measures/{measure_id}/decision",
    tags=["oversight", "case handling"],
    summary="Grant or refuse a protection measure",
    responses=_WRITE_ERRORS,
)
async def decide_measure(
    complaint_id: UUID,
    measure_id: int,
    body: MeasureDecisionIn,
    request: Request,
    principal: CurrentPrincipal,
) -> MeasureOut:
    async with transaction(request) as tx:
        return await service.decide(tx, principal, complaint_id, measure_id, body)
