"""HTTP routes of oral-report and meeting records."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from app.auth.deps import CurrentPrincipal
from app.db import transaction
from app.errors import problem_responses, response_headers
from app.records import service
from app.records.schemas import RecordIn, RecordOut, Records, ResponseIn

router = APIRouter(prefix="/v1/complaints/{complaint_id}/records")
_WRITE_ERRORS = problem_responses(400, 401, 403, 404, 409, 413, 422, 503)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    tags=["case handling", "oversight"],
    summary="Record the minutes or transcript of an oral report or a meeting",
    description="The reporter is asked, on their timeline, to approve or correct it.",
    responses={
        201: response_headers(Location="The complaint's records"),
        **_WRITE_ERRORS,
    },
)
async def post_record(
    complaint_id: UUID,
    body: RecordIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
) -> RecordOut:
    async with transaction(request) as tx:
        record = await service.create(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/records"
    return record


@router.get(
    "",
    tags=["case handling", "oversight", "residents"],
    summary="Records of oral reports and meetings, with the reporter's approval or corrections",
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def get_records(
    complaint_id: UUID, request: Request, response: Response, principal: CurrentPrincipal
) -> Records:
    response.headers["Cache-Control"] = "private, no-store"
    async with transaction(request) as tx:
        return await service.list_records(tx, principal, complaint_id)


@router.post(
    "/{record_id}/response",
    tags=["residents"],
    summary="Approve a record, or say what to correct (the reporter, once)",
    responses=_WRITE_ERRORS,
)
async def respond_to_record(
    complaint_id: UUID,
    record_id: int,
    body: ResponseIn,
    request: Request,
    principal: CurrentPrincipal,
) -> RecordOut:
    async with transaction(request) as tx:
        return await service.respond(tx, principal, complaint_id, record_id, body)
