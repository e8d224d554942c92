"""HTTP routes of hearings."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from app.auth.deps import CurrentPrincipal
from app.db import transaction
from app.errors import problem_responses, response_headers
from app.hearings import service
from app.hearings.schemas import CancelIn, HearingIn, HearingOut, Hearings, RecordIn, RescheduleIn

router = APIRouter(prefix="/v1/complaints/{complaint_id}/hearings")
_CHANGE_ERRORS = problem_responses(400, 401, 403, 404, 409, 413, 422, 503)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    tags=["case handling"],
    summary="Schedule a hearing",
    description=(
        "When, in person (location) or online (https link) or both, and who takes part with "
        "their accessibility or interpretation needs. The complainant's timeline shows the date "
        "and place. The `schedule_hearing` transition needs one."
    ),
    responses={
        201: response_headers(Location="The complaint's hearings"),
        **_CHANGE_ERRORS,
    },
)
async def post_hearing(
    complaint_id: UUID,
    body: HearingIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
) -> HearingOut:
    async with transaction(request) as tx:
        hearing = await service.schedule(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/hearings"
    return hearing


@router.get(
    "",
    tags=["case handling", "residents"],
    summary="The complaint's hearings",
    description="The complainant sees date, place and outcome; staff see participants and minutes.",
    responses=problem_responses(401, 404, 422, 503),
)
async def get_hearings(
    complaint_id: UUID, request: Request, response: Response, principal: CurrentPrincipal
) -> Hearings:
    response.headers["Cache-Control"] = "private, no-store"
    async with transaction(request) as tx:
        return await service.list_hearings(tx, principal, complaint_id)


@router.post(
    "/{hearing_id}/reschedule",
    tags=["case handling"],
    summary="Move a scheduled hearing (with a reason)",
    responses=_CHANGE_ERRORS,
)
async def reschedule_hearing(
    complaint_id: UUID,
    hearing_id: int,
    body: RescheduleIn,
    request: Request,
    principal: CurrentPrincipal,
) -> HearingOut:
    async with transaction(request) as tx:
        return await service.reschedule(tx, principal, complaint_id, hearing_id, body)


@router.post(
    "/{hearing_id}/cancel",
    tags=["case handling"],
    summary="Cancel a scheduled hearing (with a reason)",
    responses=_CHANGE_ERRORS,
)
async def cancel_hearing(
    complaint_id: UUID,
    hearing_id: int,
    body: CancelIn,
    request: Request,
    principal: CurrentPrincipal,
) -> HearingOut:
    async with transaction(request) as tx:
        return await service.cancel(tx, principal, complaint_id, hearing_id, body)


@router.post(
    "/{hearing_id}/record",
    tags=["case handling"],
    summary="Record that the hearing was held: internal minutes and the outcome",
    responses=_CHANGE_ERRORS,
)
async def record_hearing(
    complaint_id: UUID,
    hearing_id: int,
    body: RecordIn,
    request: Request,
    principal: CurrentPrincipal,
) -> HearingOut:
    async with transaction(request) as tx:
        return await service.record(tx, principal, complaint_id, hearing_id, body)
