"""HTTP routes of mediation attempts."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from app.auth.deps import CurrentPrincipal
from app.db import transaction
from app.errors import problem_responses, response_headers
from app.mediation import service
from app.mediation.schemas import AttemptIn, AttemptOut, Attempts

router = APIRouter(prefix="/v1/complaints/{complaint_id}/mediation-attempts")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    tags=["case handling"],
    summary="Record a mediation attempt and its result",
    description=(
        "During mediation. A settlement records its terms (shown to the complainant) and lets "
        "`issue_findings` conclude with a `settled` outcome; a failure lets `end_mediation` return "
        "to the investigation."
    ),
    responses={
        201: response_headers(Location="The complaint's mediation attempts"),
        **problem_responses(400, 401, 403, 404, 409, 413, 422, 503),
    },
)
async def post_attempt(
    complaint_id: UUID,
    body: AttemptIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
) -> AttemptOut:
    async with transaction(request) as tx:
        attempt = await service.record(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/mediation-attempts"
    return attempt


@router.get(
    "",
    tags=["case handling", "residents"],
    summary="The complaint's mediation attempts",
    description="The complainant sees results and settlement terms; staff also notes and mediator.",
    responses=problem_responses(401, 404, 422, 503),
)
async def get_attempts(
    complaint_id: UUID, request: Request, response: Response, principal: CurrentPrincipal
) -> Attempts:
    response.headers["Cache-Control"] = "private, no-store"
    async with transaction(request) as tx:
        return await service.list_attempts(tx, principal, complaint_id)
