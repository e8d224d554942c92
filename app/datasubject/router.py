"""A complainant's own data, exported (GDPR art. 15 and 20): everything held about them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from app.attachments import service as attachments
from app.attachments.router import Attachments, attachment_out
from app.auth.deps import CurrentPrincipal
from app.auth.policy import Role
from app.auth.principals import Principal
from app.complaints import service as complaints
from app.complaints.schemas import ComplaintOut, ContactOut, Timeline
from app.crypto import CONTACT, SealError
from app.db import transaction
from app.errors import AppError, Forbidden, NotFound, problem_responses
from app.findings import service as findings
from app.findings.schemas import FindingsOut
from app.hearings import service as hearings
from app.hearings.schemas import Hearings
from app.mediation import service as mediation
from app.mediation.schemas import Attempts
from app.messages import service as messages
from app.messages.schemas import MessageOut
from app.records import service as records
from app.records.schemas import Records
from app.remedies import service as remedies
from app.remedies.schemas import RemedyList

router = APIRouter(prefix="/v1/complaints/{complaint_id}", tags=["residents"])
me_router = APIRouter(prefix="/v1/me", tags=["residents"])

_MINE = "SELECT id FROM complaints WHERE complainant_subject = %(subject)s ORDER BY received_at, id"

_CONTACT = "SELECT key_id, sealed FROM complainant_contacts WHERE complaint_id = %(id)s"
_TRAITS = (
    "SELECT sex_gender, age_band, disability, migration_status, ethnicity "
    "FROM complainant_characteristics WHERE complaint_id = %(id)s"
)
_AUDIT = (
    "INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id) "
    "VALUES (%(subject)s, %(role)s, 'complaint.export', 'complaint', %(id)s)"
)


class DataExport(BaseModel):
    exported_at: datetime
    complaint: ComplaintOut
    contact: ContactOut | None = Field(description="The contact details you gave, if any.")
    characteristics: dict[str, str | None] | None = Field(
        description="How you described yourself, if you did (used only in anonymized counts)."
    )
    timeline: Timeline
    messages: list[MessageOut]
    attachments: Attachments = Field(description="Listed; each downloads from its own route.")
    findings: FindingsOut | None
    remedies: RemedyList
    hearings: Hearings
    mediation: Attempts
    records: Records
    not_included: list[str]


@router.get(
    "/export",
    summary="Everything held about you on this complaint (GDPR art. 15 and 20)",
    description=(
        "For the complainant (receipt token) or the resident who filed it: the complaint as "
        "filed, the contact details and characteristics you gave, your timeline, the messages, "
        "the files (listed), findings, remedies, hearings, mediation and records as you see "
        "them. Internal notes and working documents of the office, and the identities of other "
        "people you named, are not included (art. 15(4): they concern others). The export is "
        "on the audit trail."
    ),
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def export(
    complaint_id: UUID, request: Request, response: Response, principal: CurrentPrincipal
) -> DataExport:
    if not ({Role.complainant, Role.resident} & principal.roles):
        raise Forbidden("The export is for the person who filed the complaint.")
    response.headers["Cache-Control"] = "private, no-store"
    async with transaction(request) as tx:
        return await _export(tx, request, principal, complaint_id)


class ResidentExport(BaseModel):
    exported_at: datetime
    complaints: list[DataExport]


@me_router.get(
    "/export",
    summary="Everything held about you, on every complaint you filed while signed in",
    description=(
        "For a signed-in resident: the export of each complaint they filed (see "
        "`GET /v1/complaints/{id}/export`), oldest first. Complaints filed anonymously, "
        "without an account, are reached with their receipt instead."
    ),
    responses=problem_responses(401, 403, 422, 503),
)
async def export_mine(
    request: Request, response: Response, principal: CurrentPrincipal
) -> ResidentExport:
    if Role.resident not in principal.roles:
        raise Forbidden("This export is for a signed-in resident.")
    response.headers["Cache-Control"] = "private, no-store"
    async with transaction(request) as tx:
        cur = await tx.execute(_MINE, {"subject": principal.subject})
        ids = [row["id"] for row in await cur.fetchall()]
        exports = [await _export(tx, request, principal, cid) for cid in ids]
    return ResidentExport(exported_at=datetime.now(UTC), complaints=exports)


async def _export(
    tx: Any, request: Request, principal: Principal, complaint_id: UUID
) -> DataExport:
    settings, sealer = request.app.state.settings, request.app.state.sealer
    complaint = await complaints.get_complaint(tx, settings, sealer, principal, complaint_id)
    contact = await _contact(tx, sealer, complaint_id)
    cur = await tx.execute(_TRAITS, {"id": complaint_id})
    traits = await cur.fetchone()
    thread = await messages.list_messages(tx, principal, complaint_id, after=None, limit=10**6)
    files = await attachments.list_attachments(tx, principal, complaint_id)
    try:
        decision: FindingsOut | None = await findings.get(tx, principal, complaint_id)
    except NotFound:
        decision = None
    result = DataExport(
        exported_at=datetime.now(UTC),
        complaint=complaint,
        contact=contact,
        characteristics=dict(traits) if traits else None,
        timeline=await complaints.timeline(tx, principal, complaint_id),
        messages=thread.items,
        attachments=Attachments(attachments=[attachment_out(f, False) for f in files]),
        findings=decision,
        remedies=await remedies.list_for_complaint(tx, principal, complaint_id),
        hearings=await hearings.list_hearings(tx, principal, complaint_id),
        mediation=await mediation.list_attempts(tx, principal, complaint_id),
        records=await records.list_records(tx, principal, complaint_id),
        not_included=[
            "internal notes and working documents of the office",
            "the identities and details of other people named in the complaint",
        ],
    )
    subject, role = complaints.actor(principal)
    await tx.execute(_AUDIT, {"subject": subject, "role": role, "id": str(complaint_id)})
    return result


async def _contact(tx: Any, sealer: Any, complaint_id: UUID) -> ContactOut | None:
    cur = await tx.execute(_CONTACT, {"id": complaint_id})
    row = await cur.fetchone()
    if row is None:
        return None
    try:
        opened = sealer.open(row["key_id"], row["sealed"], complaint_id, CONTACT)
    except SealError as exc:
        raise AppError("Your contact details could not be opened; nothing was exported.") from exc
    return ContactOut.model_validate_json(opened)
