"""HTTP routes of the identity-reveal procedure (anti-corruption track)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from app.identity import service
from app.identity.schemas import (
    DecisionIn,
    RevealedIdentity,
    RevealRequestIn,
    RevealRequestOut,
    RevealRequests,
)
from app.kit.access import allow_on_case
from app.kit.errors import CASE_WRITE, created, problem_responses
from app.kit.http import Tx
from app.kit.permissions import Permission as P
from app.kit.principals import Principal

router = APIRouter(prefix="/v1/complaints/{complaint_id}/identity-requests", tags=["oversight"])
Requester = Annotated[Principal, allow_on_case(P.identity_request)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Ask to see a reporter's identity (motivation and legal basis)",
    responses=created("The complaint's identity requests", CASE_WRITE),
)
async def post_request(
    complaint_id: UUID, body: RevealRequestIn, response: Response, tx: Tx, principal: Requester
) -> RevealRequestOut:
    created = await service.ask(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/identity-requests"
    return created


@router.get(
    "",
    summary="Identity requests, their decisions, and who saw the identity",
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def get_requests(complaint_id: UUID, tx: Tx, principal: Requester) -> RevealRequests:
    return await service.list_requests(tx, principal, complaint_id)


@router.post(
    "/{request_id}/decision",
    summary="The custodian's decision (the reporter is told first unless recorded otherwise)",
    responses=CASE_WRITE,
)
async def post_decision(
    complaint_id: UUID,
    request_id: int,
    body: DecisionIn,
    tx: Tx,
    principal: Annotated[Principal, allow_on_case(P.identity_decide)],
) -> RevealRequestOut:
    return await service.decide(tx, principal, complaint_id, request_id, body)


@router.get(
    "/{request_id}/identity",
    summary="See the disclosed identity (requester or custodian; every look is recorded)",
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def get_identity(
    complaint_id: UUID, request_id: int, request: Request, tx: Tx, principal: Requester
) -> RevealedIdentity:
    sealer = request.app.state.sealer
    return await service.reveal(tx, sealer, principal, complaint_id, request_id)
