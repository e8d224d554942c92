"""HTTP routes of hearings."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Response, status

from app.hearings import service
from app.hearings.schemas import CancelIn, HearingIn, HearingOut, Hearings, RecordIn, RescheduleIn
from app.kit.access import allow_on_case
from app.kit.errors import CASE_WRITE, OPEN_CASE_READ, created
from app.kit.http import Tx
from app.kit.permissions import Permission as P
from app.kit.principals import Principal

router = APIRouter(prefix="/v1/complaints/{complaint_id}/hearings", tags=["case handling"])
Investigator = Annotated[Principal, allow_on_case(P.complaint_investigate)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Schedule a hearing",
    description=(
        "When, in person (location) or online (https link) or both, and who takes part with "
        "their accessibility or interpretation needs. The complainant's timeline shows the date "
        "and place. The `schedule_hearing` transition needs one."
    ),
    responses=created("The complaint's hearings", CASE_WRITE),
)
async def post_hearing(
    complaint_id: UUID, body: HearingIn, response: Response, tx: Tx, principal: Investigator
) -> HearingOut:
    hearing = await service.schedule(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/hearings"
    return hearing


@router.get(
    "",
    tags=["residents"],
    summary="The complaint's hearings",
    description="The complainant sees date, place and outcome; staff see participants and minutes.",
    responses=OPEN_CASE_READ,
)
async def get_hearings(
    complaint_id: UUID, tx: Tx, principal: Annotated[Principal, allow_on_case(P.complaint_read)]
) -> Hearings:
    return await service.list_hearings(tx, principal, complaint_id)


@router.post(
    "/{hearing_id}/reschedule",
    summary="Move a scheduled hearing (with a reason)",
    responses=CASE_WRITE,
)
async def reschedule_hearing(
    complaint_id: UUID, hearing_id: int, body: RescheduleIn, tx: Tx, principal: Investigator
) -> HearingOut:
    return await service.change(tx, principal, complaint_id, hearing_id, body)


@router.post(
    "/{hearing_id}/cancel",
    summary="Cancel a scheduled hearing (with a reason)",
    responses=CASE_WRITE,
)
async def cancel_hearing(
    complaint_id: UUID, hearing_id: int, body: CancelIn, tx: Tx, principal: Investigator
) -> HearingOut:
    return await service.change(tx, principal, complaint_id, hearing_id, body)


@router.post(
    "/{hearing_id}/record",
    summary="Record that the hearing was held: internal minutes and the outcome",
    responses=CASE_WRITE,
)
async def record_hearing(
    complaint_id: UUID, hearing_id: int, body: RecordIn, tx: Tx, principal: Investigator
) -> HearingOut:
    return await service.change(tx, principal, complaint_id, hearing_id, body)
