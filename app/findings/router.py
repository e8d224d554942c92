"""HTTP routes of findings."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter

from app.findings import service
from app.findings.schemas import CommunicationIn, FindingsIn, FindingsOut
from app.kit.access import allow_on_case
from app.kit.errors import CASE_WRITE, OPEN_CASE_READ
from app.kit.http import Tx
from app.kit.permissions import Permission as P
from app.kit.principals import Principal

router = APIRouter(prefix="/v1/complaints/{complaint_id}/findings", tags=["case handling"])
Decider = Annotated[Principal, allow_on_case(P.complaint_decide)]


@router.put(
    "",
    summary="Write (or rewrite) the findings",
    description=(
        "While investigating or mediating. The `issue_findings` transition then issues them; "
        "a rewrite after a reopening must be issued and communicated again."
    ),
    responses=CASE_WRITE,
)
async def put_findings(
    complaint_id: UUID, body: FindingsIn, tx: Tx, principal: Decider
) -> FindingsOut:
    return await service.put(tx, principal, complaint_id, body)


@router.get(
    "",
    tags=["residents"],
    summary="The findings",
    description="Staff see drafts and the internal reasoning; the complainant sees the rest once "
    "issued.",
    responses=OPEN_CASE_READ,
)
async def get_findings(
    complaint_id: UUID, tx: Tx, principal: Annotated[Principal, allow_on_case(P.complaint_read)]
) -> FindingsOut:
    return await service.get(tx, principal, complaint_id)


@router.post(
    "/communication",
    summary="Record that the decision was communicated to the complainant",
    description=(
        "Once, after the findings are issued. Counts as feedback, shows on the complainant's "
        "timeline, and is what `close` checks."
    ),
    responses=CASE_WRITE,
)
async def communicate(
    complaint_id: UUID, body: CommunicationIn, tx: Tx, principal: Decider
) -> FindingsOut:
    return await service.communicate(tx, principal, complaint_id, body)
