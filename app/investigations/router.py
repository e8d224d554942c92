"""HTTP routes of investigations and of the information requests departments answer."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.deps import CurrentPrincipal
from app.db import transaction
from app.errors import problem_responses, response_headers
from app.investigations import service
from app.investigations.schemas import (
    AnswerIn,
    InformationRequestOut,
    InformationRequestPage,
    InvestigationIn,
    InvestigationOut,
    StepIn,
)
from app.pagination import OpenItemsQuery, page_limit

router = APIRouter(prefix="/v1")


@router.put(
    "/complaints/{complaint_id}/investigation",
    tags=["case handling"],
    summary="Record or revise the investigation plan",
    description="Staff of the track, while the investigation is open (409 otherwise).",
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422, 503),
)
async def put_investigation(
    complaint_id: UUID, body: InvestigationIn, request: Request, principal: CurrentPrincipal
) -> InvestigationOut:
    async with transaction(request) as tx:
        return await service.put_plan(tx, principal, complaint_id, body)


@router.get(
    "/complaints/{complaint_id}/investigation",
    tags=["case handling"],
    summary="The investigation: plan and steps",
    description="Staff of the track only; 404 while no investigation has been opened.",
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def get_investigation(
    complaint_id: UUID, request: Request, response: Response, principal: CurrentPrincipal
) -> InvestigationOut:
    response.headers["Cache-Control"] = "private, no-store"
    async with transaction(request) as tx:
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
    responses={
        201: response_headers(Location="The investigation"),
        **problem_responses(400, 401, 403, 404, 409, 413, 422, 503),
    },
)
async def post_step(
    complaint_id: UUID,
    body: StepIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
) -> InvestigationOut:
    async with transaction(request) as tx:
        result = await service.add_step(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/investigation"
    return result


@router.get(
    "/information-requests",
    tags=["respondents"],
    summary="Information requests addressed to your department",
    description="Respondent tokens only; oldest first (`after`, `limit`, `open_only`).",
    responses=problem_responses(401, 403, 422, 503),
)
async def list_information_requests(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    page: Annotated[OpenItemsQuery, Query()],
) -> InformationRequestPage:
    size = page_limit(request.app.state.settings, page.limit)
    response.headers["Cache-Control"] = "private, no-store"
    async with transaction(request) as tx:
        return await service.list_requests(
            tx, principal, after=page.after, limit=size, open_only=page.open_only
        )


@router.get(
    "/information-requests/{request_id}",
    tags=["respondents"],
    summary="One information request addressed to your department",
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def get_information_request(
    request_id: int, request: Request, response: Response, principal: CurrentPrincipal
) -> InformationRequestOut:
    response.headers["Cache-Control"] = "private, no-store"
    async with transaction(request) as tx:
        return await service.get_request(tx, principal, request_id)


@router.post(
    "/information-requests/{request_id}/answer",
    tags=["respondents"],
    summary="Answer an information request",
    description="Once; a second answer is 409.",
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422, 503),
)
async def answer_information_request(
    request_id: int, body: AnswerIn, request: Request, principal: CurrentPrincipal
) -> InformationRequestOut:
    async with transaction(request) as tx:
        return await service.answer(tx, principal, request_id, body)
