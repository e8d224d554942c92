"""HTTP routes of remedies: the office's side under the complaint, the department's under
/v1/remedies."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from app.kit.access import allow, allow_on_case
from app.kit.errors import CASE_READ, CASE_WRITE, LIST_READ, OPEN_CASE_READ, created
from app.kit.http import Tx
from app.kit.pagination import OpenItemsQuery, page_limit
from app.kit.permissions import Permission as P
from app.kit.principals import Principal
from app.remedies import service
from app.remedies.schemas import (
    AssessmentIn,
    RemedyForDepartment,
    RemedyIn,
    RemedyList,
    RemedyOut,
    RemedyPage,
    ReportIn,
    ResponseIn,
)

router = APIRouter(prefix="/v1")
Decider = Annotated[Principal, allow_on_case(P.complaint_decide)]
Department = Annotated[Principal, allow(P.remedy_read)]
Responder = Annotated[Principal, allow(P.remedy_respond)]


@router.post(
    "/complaints/{complaint_id}/remedies",
    status_code=status.HTTP_201_CREATED,
    tags=["case handling"],
    summary="Recommend a remedy to a department",
    description=(
        "After findings of a violation (in part or in full) or a settlement. The "
        "`recommend_remedies` transition then sends them: until then neither the department nor "
        "the complainant sees them."
    ),
    responses=created("The complaint's remedies", CASE_WRITE),
)
async def post_remedy(
    complaint_id: UUID,
    body: RemedyIn,
    request: Request,
    response: Response,
    tx: Tx,
    principal: Decider,
) -> RemedyOut:
    remedy = await service.recommend(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/remedies"
    return remedy


@router.get(
    "/complaints/{complaint_id}/remedies",
    tags=["case handling", "residents"],
    summary="The complaint's remedies and how they are followed up",
    responses=OPEN_CASE_READ,
)
async def get_remedies(
    complaint_id: UUID, tx: Tx, principal: Annotated[Principal, allow_on_case(P.complaint_read)]
) -> RemedyList:
    return await service.list_for_complaint(tx, principal, complaint_id)


@router.post(
    "/complaints/{complaint_id}/remedies/{remedy_id}/assessment",
    tags=["case handling"],
    summary="The office's assessment of a remedy",
    description="`implemented`, `partially_implemented` or `not_implemented`; during follow-up.",
    responses=CASE_WRITE,
)
async def assess_remedy(
    complaint_id: UUID,
    remedy_id: int,
    body: AssessmentIn,
    request: Request,
    tx: Tx,
    principal: Decider,
) -> RemedyOut:
    return await service.assess(tx, principal, complaint_id, remedy_id, body)


@router.get(
    "/remedies",
    tags=["respondents"],
    summary="Remedies addressed to your department",
    description="Respondent tokens only; oldest first (`after`, `limit`, `open_only`).",
    responses=LIST_READ,
)
async def list_department_remedies(
    request: Request, tx: Tx, principal: Department, page: Annotated[OpenItemsQuery, Query()]
) -> RemedyPage:
    size = page_limit(request.app.state.settings, page.limit)
    return await service.list_for_department(
        tx, principal, after=page.after, limit=size, open_only=page.open_only
    )


@router.get(
    "/remedies/{remedy_id}",
    tags=["respondents"],
    summary="One remedy addressed to your department",
    responses=CASE_READ,
)
async def get_department_remedy(
    remedy_id: int, tx: Tx, principal: Department
) -> RemedyForDepartment:
    return await service.get_for_department(tx, principal, remedy_id)


@router.post(
    "/remedies/{remedy_id}/response",
    tags=["respondents"],
    summary="Accept or reject a remedy (reasons required to reject)",
    description="Once; a second answer is 409.",
    responses=CASE_WRITE,
)
async def respond_to_remedy(
    remedy_id: int, body: ResponseIn, request: Request, tx: Tx, principal: Responder
) -> RemedyForDepartment:
    return await service.respond(tx, principal, remedy_id, body)


@router.post(
    "/remedies/{remedy_id}/reports",
    tags=["respondents"],
    summary="Report progress, or implementation with evidence",
    description="On accepted remedies, until the office has assessed them.",
    responses=CASE_WRITE,
)
async def report_on_remedy(
    remedy_id: int, body: ReportIn, tx: Tx, principal: Responder
) -> RemedyForDepartment:
    return await service.report(tx, principal, remedy_id, body)
