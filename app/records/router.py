"""HTTP routes of oral-report and meeting records."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Response, status

from app.kit.access import allow_on_case
from app.kit.errors import CASE_READ, CASE_WRITE, created
from app.kit.http import Tx
from app.kit.permissions import Permission as P
from app.kit.principals import Principal
from app.records import service
from app.records.schemas import RecordIn, RecordOut, Records, ResponseIn

router = APIRouter(prefix="/v1/complaints/{complaint_id}/records")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    tags=["case handling", "oversight"],
    summary="Record the minutes or transcript of an oral report or a meeting",
    description="The reporter is asked, on their timeline, to approve or correct it.",
    responses=created("The complaint's records", CASE_WRITE),
)
async def post_record(
    complaint_id: UUID,
    body: RecordIn,
    response: Response,
    tx: Tx,
    principal: Annotated[Principal, allow_on_case(P.record_write)],
) -> RecordOut:
    record = await service.create(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/records"
    return record


@router.get(
    "",
    tags=["case handling", "oversight", "residents"],
    summary="Records of oral reports and meetings, with the reporter's approval or corrections",
    responses=CASE_READ,
)
async def get_records(
    complaint_id: UUID, tx: Tx, principal: Annotated[Principal, allow_on_case(P.record_read)]
) -> Records:
    return await service.list_records(tx, principal, complaint_id)


@router.post(
    "/{record_id}/response",
    tags=["residents"],
    summary="Approve a record, or say what to correct (the reporter, once)",
    responses=CASE_WRITE,
)
async def respond_to_record(
    complaint_id: UUID,
    record_id: int,
    body: ResponseIn,
    tx: Tx,
    principal: Annotated[Principal, allow_on_case(P.record_respond)],
) -> RecordOut:
    return await service.respond(tx, principal, complaint_id, record_id, body)
