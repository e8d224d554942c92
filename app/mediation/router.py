"""HTTP routes of mediation attempts."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Response, status

from app.kit.access import allow_on_case
from app.kit.errors import CASE_WRITE, OPEN_CASE_READ, created
from app.kit.http import Tx
from app.kit.permissions import Permission as P
from app.kit.principals import Principal
from app.mediation import service
from app.mediation.schemas import AttemptIn, AttemptOut, Attempts

router = APIRouter(
    prefix="/v1/complaints/{complaint_id}/mediation-attempts", tags=["case handling"]
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Record a mediation attempt and its result",
    description=(
        "During mediation. A settlement records its terms (shown to the complainant) and lets "
        "`issue_findings` conclude with a `settled` outcome; a failure lets `end_mediation` return "
        "to the investigation."
    ),
    responses=created("The complaint's mediation attempts", CASE_WRITE),
)
async def post_attempt(
    complaint_id: UUID,
    body: AttemptIn,
    response: Response,
    tx: Tx,
    principal: Annotated[Principal, allow_on_case(P.complaint_investigate)],
) -> AttemptOut:
    attempt = await service.record(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/mediation-attempts"
    return attempt


@router.get(
    "",
    tags=["residents"],
    summary="The complaint's mediation attempts",
    description="The complainant sees results and settlement terms; staff also notes and mediator.",
    responses=OPEN_CASE_READ,
)
async def get_attempts(
    complaint_id: UUID, tx: Tx, principal: Annotated[Principal, allow_on_case(P.complaint_read)]
) -> Attempts:
    return await service.list_attempts(tx, principal, complaint_id)
