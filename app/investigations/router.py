"""HTTP routes of investigations and of the information requests departments answer."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from app.investigations import service
from app.investigations.schemas import (
    AnswerIn,
    InformationRequestOut,
    InformationRequestPage,
    InvestigationIn,
    InvestigationOut,
    StepIn,
)
from app.kit.access import allow, allow_on_case
from app.kit.errors import CASE_READ, CASE_WRITE, LIST_READ, created
from app.kit.http import Tx
from app.kit.pagination import OpenItemsQuery, page_limit
from app.kit.permissions import Permission as P
from app.kit.principals import Principal

router = APIRouter(prefix="/v1")
Investigator = Annotated[Principal, allow_on_case(P.investigation_write)]
Department = Annotated[Principal, allow(P.information_request_read)]


@router.put(
    "/complaints/{complaint_id}/investigation",
    tags=["case handling"],
    summary="Record or revise the investigation plan",
    description="Staff of the track, while the investigation is open (409 otherwise).",
    responses=CASE_WRITE,
)
async def put_investigation(
    complaint_id: UUID, body: InvestigationIn, tx: Tx, principal: Investigator
) -> InvestigationOut:
    return await service.put_plan(tx, principal, complaint_id, body)


@router.get(
    "/complaints/{complaint_id}/investigation",
    tags=["case handling"],
    summary="The investigation: plan and steps",
    description="Staff of the track only; 404 while no investigation has been opened.",
    responses=CASE_READ,
)
async def get_investigation(
    complaint_id: UUID,
    tx: Tx,
    principal: Annotated[Principal, allow_on_case(P.investigation_read)],
) -> InvestigationOut:
    return await service.get(tx, principal, complaint_id)


@router.post(
    "/complaints/{complaint_id}/investigation/steps",
    status_code=status.HTTP_201_CREATED,
    tags=["case handling"],
    summary="Record an investigation step",
    description=(
        "An information request to a department (with its due date), an interview, a site visit "
        "or evidence collected. Needs the plan first (409)."
    ),
    responses=created("The investigation", CASE_WRITE),
)
async def post_step(
    complaint_id: UUID, body: StepIn, response: Response, tx: Tx, principal: Investigator
) -> InvestigationOut:
    result = await service.add_step(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/investigation"
    return result


@router.get(
    "/information-requests",
    tags=["respondents"],
    summary="Information requests addressed to your department",
    description="Respondent tokens only; oldest first (`after`, `limit`, `open_only`).",
    responses=LIST_READ,
)
async def list_information_requests(
    request: Request, tx: Tx, principal: Department, page: Annotated[OpenItemsQuery, Query()]
) -> InformationRequestPage:
    size = page_limit(request.app.state.settings, page.limit)
    return await service.list_requests(
        tx, principal, after=page.after, limit=size, open_only=page.open_only
    )


@router.get(
    "/information-requests/{request_id}",
    tags=["respondents"],
    summary="One information request addressed to your department",
    responses=CASE_READ,
)
async def get_information_request(
    request_id: int, tx: Tx, principal: Department
) -> InformationRequestOut:
    return await service.get_request(tx, principal, request_id)


@router.post(
    "/information-requests/{request_id}/answer",
    tags=["respondents"],
    summary="Answer an information request",
    description="Once; a second answer is 409.",
    responses=CASE_WRITE,
)
async def answer_information_request(
    request_id: int,
    body: AnswerIn,
    tx: Tx,
    principal: Annotated[Principal, allow(P.information_request_answer)],
) -> InformationRequestOut:
    return await service.answer(tx, principal, request_id, body)
