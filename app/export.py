"""A complainant's own data, exported (GDPR art. 15 and 20): everything held about them.

This module composes the rooms: it asks each what the complainant sees of a case, through the
same functions their routes use, so the export and the API can never disagree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from app.attachments import service as attachments
from app.attachments.schemas import Attachments
from app.complaints import service as complaints
from app.complaints.schemas import ComplaintOut, Timeline
from app.crypto import CONTACT, Sealer
from app.findings import service as findings
from app.findings.schemas import FindingsOut
from app.hearings import service as hearings
from app.hearings.schemas import Hearings
from app.kit.access import allow, reach
from app.kit.errors import CASE_READ, LIST_READ, NotFound
from app.kit.http import Tx
from app.kit.permissions import Permission as P
from app.kit.principals import Principal
from app.kit.sealed import ContactOut, open_sealed
from app.kit.sql import Conn
from app.kit.trail import audit
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


class ResidentExport(BaseModel):
    exported_at: datetime
    complaints: list[DataExport]


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
    responses=CASE_READ,
)
async def export(
    complaint_id: UUID,
    request: Request,
    tx: Tx,
    # Only ever the complainant's own data: any other role is refused before any lookup.
    principal: Annotated[Principal, allow(P.data_export)],
) -> DataExport:
    return await _export(tx, request, principal, complaint_id)


@me_router.get(
    "/export",
    summary="Everything held about you, on every complaint you filed while signed in",
    description=(
        "For a signed-in resident: the export of each complaint they filed (see "
        "`GET /v1/complaints/{id}/export`), oldest first. Complaints filed anonymously, "
        "without an account, are reached with their receipt instead."
    ),
    responses=LIST_READ,
)
async def export_mine(
    request: Request, tx: Tx, principal: Annotated[Principal, allow(P.account_export)]
) -> ResidentExport:
    cur = await tx.execute(_MINE, {"subject": principal.subject})
    ids = [row["id"] for row in await cur.fetchall()]
    exports = [await _export(tx, request, principal, cid) for cid in ids]
    return ResidentExport(exported_at=datetime.now(UTC), complaints=exports)


async def _export(
    tx: Conn, request: Request, principal: Principal, complaint_id: UUID
) -> DataExport:
    settings, sealer = request.app.state.settings, request.app.state.sealer
    # As the complainant sees each part: staff views (contact details of others, internal notes)
    # never enter, even for a staff member who happens to hold a resident role too.
    complaint = await complaints.get_complaint(tx, settings, sealer, principal, complaint_id)
    cur = await tx.execute(_TRAITS, {"id": complaint_id})
    traits = await cur.fetchone()
    thread = await messages.list_messages(tx, principal, complaint_id, after=None, limit=10**6)
    try:
        decision: FindingsOut | None = await findings.get(tx, principal, complaint_id)
    except NotFound:
        decision = None
    result = DataExport(
        exported_at=datetime.now(UTC),
        complaint=complaint,
        contact=await _contact(tx, sealer, complaint_id),
        characteristics=dict(traits) if traits else None,
        timeline=await complaints.timeline(tx, principal, complaint_id),
        messages=thread.items,
        attachments=Attachments(
            attachments=await attachments.list_attachments(tx, principal, complaint_id)
        ),
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
    case = await reach(tx, principal, complaint_id)
    await audit(tx, case.actor(principal), "complaint.export", "complaint", complaint_id)
    return result


async def _contact(tx: Conn, sealer: Sealer, complaint_id: UUID) -> ContactOut | None:
    cur = await tx.execute(_CONTACT, {"id": complaint_id})
    row = await cur.fetchone()
    if row is None:
        return None
    return open_sealed(sealer, row["key_id"], row["sealed"], complaint_id, CONTACT, ContactOut)
