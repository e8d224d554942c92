"""A complainant's own data, exported (GDPR art. 15 and 20): everything held about them.

This module composes the rooms: it asks each what the complainant sees of a case, through the
same functions their routes use, so the export and the API can never disagree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from app.attachments import service as attachments
from app.attachments.schemas import Attachments
from app.complaints import service as complaints
from app.complaints.schemas import Characteristics, ComplaintOut, Timeline
from app.crypto import CHARACTERISTICS, CONTACT, Sealer
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
_TRAITS = "SELECT key_id, sealed FROM complainant_characteristics WHERE complaint_id = %(id)s"


# Who received something of the case (GDPR art. 15(1)(c)): the departments it was addressed to,
# the competent body it was referred to, and, on the confidential track, every look at the
# reporter's identity through the custodian procedure.
_RECIPIENTS = """
SELECT 'department' AS kind, s.department AS name, s.created_at AS at,
       'An information request about your complaint.' AS what
FROM investigation_steps s
WHERE s.complaint_id = %(id)s AND s.department IS NOT NULL
UNION ALL
SELECT 'department', r.department, r.created_at,
       'A recommended remedy, with the findings it rests on.'
FROM remedies r WHERE r.complaint_id = %(id)s
UNION ALL
SELECT 'competent_body', c.referred_to, c.decided_at,
       'Your complaint, referred as outside this office''s mandate.'
FROM complaints c WHERE c.id = %(id)s AND c.referred_to IS NOT NULL
UNION ALL
SELECT 'identity_disclosure', d.seen_role, d.seen_at,
       'Your identity, disclosed on the legal basis: ' || q.legal_basis
FROM identity_disclosures d JOIN identity_reveal_requests q ON q.id = d.request_id
WHERE q.complaint_id = %(id)s
ORDER BY 3, 1, 2
"""
_RETENTION = "SELECT track, retention_until FROM complaints WHERE id = %(id)s"

PURPOSES = [
    "Handling your complaint: assessing it, investigating it, deciding on it, recommending "
    "remedies and following them up (the office's mandate; GDPR art. 6(1)(e)).",
    "Keeping the record of the case the law requires for the retention period, then deleting it "
    "(EU Directive 2019/1937 art. 18; GDPR art. 5(1)(e)).",
    "Anonymized statistics for the office's annual report and the monitoring body: counts of "
    "cases, never a person or a text (GDPR art. 89).",
]


class Recipient(BaseModel):
    kind: Literal["department", "competent_body", "identity_disclosure", "monitoring_body"]
    name: str = Field(
        description="The department or body; for a disclosure, the role of who saw it."
    )
    at: datetime | None
    what: str


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
    purposes: list[str] = Field(description="Why the office holds this data (art. 15(1)(a)).")
    recipients: list[Recipient] = Field(
        description="Who received something of it (art. 15(1)(c)), in order."
    )
    retention_until: datetime | None = Field(
        description="When the case will be deleted (art. 15(1)(d)); set when it finishes."
    )
    retention: str = Field(description="The rule the retention date follows.")
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
    return await export_of(tx, request, principal, complaint_id)


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
    exports = [await export_of(tx, request, principal, cid) for cid in ids]
    return ResidentExport(exported_at=datetime.now(UTC), complaints=exports)


async def export_of(
    tx: Conn, request: Request, principal: Principal, complaint_id: UUID
) -> DataExport:
    settings, sealer = request.app.state.settings, request.app.state.sealer
    # As the complainant sees each part: staff views (contact details of others, internal notes)
    # never enter, even for a staff member who happens to hold a resident role too.
    complaint = await complaints.get_complaint(tx, sealer, principal, complaint_id)
    cur = await tx.execute(_TRAITS, {"id": complaint_id})
    traits = await cur.fetchone()
    thread = await messages.list_messages(tx, principal, complaint_id, after=None, limit=10**6)
    try:
        decision: FindingsOut | None = await findings.get(tx, principal, complaint_id)
    except NotFound:
        decision = None
    cur = await tx.execute(_RECIPIENTS, {"id": complaint_id})
    recipients = [Recipient(**row) for row in await cur.fetchall()]
    if settings.monitoring_url is not None:
        recipients.append(
            Recipient(
                kind="monitoring_body",
                name="The independent monitoring body",
                at=None,
                what="Codes and dates of the case (track, state, rights, month), never your "
                "identity, characteristics or any text.",
            )
        )
    cur = await tx.execute(_RETENTION, {"id": complaint_id})
    kept = await cur.fetchone()
    assert kept is not None  # the complaint was read above
    findings_years = settings.retention_for(kept["track"], findings=True)
    other_years = settings.retention_for(kept["track"], findings=False)
    result = DataExport(
        exported_at=datetime.now(UTC),
        purposes=PURPOSES,
        recipients=recipients,
        retention_until=kept["retention_until"],
        retention=(
            f"Kept {findings_years} years after the case closes with findings, {other_years} "
            "years after any other ending (inadmissible, referred, withdrawn), unless a legal "
            "hold is set; then deleted. A case nobody touches for "
            f"{settings.stale_after_months} months is reviewed and closed as stale."
        ),
        complaint=complaint,
        contact=await _contact(tx, sealer, complaint_id),
        characteristics=None
        if traits is None
        else open_sealed(
            sealer,
            traits["key_id"],
            traits["sealed"],
            complaint_id,
            CHARACTERISTICS,
            Characteristics,
        ).model_dump(mode="json"),
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
