"""The identity-reveal room's tables."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import SQLModel

from app.kit.columns import code, code_domain, complaint_ref, moment, reference, serial, text_field

REVEAL_STATUS = code_domain("reveal_status", ["pending", "approved", "refused"])


class IdentityRevealRequest(SQLModel, table=True):
    """A motivated request to see a reporter's identity, decided by the identity custodian
    (EU Directive 2019/1937 art. 16): the decision, its legal basis, and whether (and when) the
    reporter was told first, or why telling them would jeopardise the investigation."""

    __tablename__ = "identity_reveal_requests"
    __table_args__ = (
        sa.CheckConstraint(
            "status <> 'approved' OR notified_at IS NOT NULL OR no_notice_reason IS NOT NULL",
            "approved_after_notice_or_reasoned_exception",
        ),
        sa.Index("ix_identity_reveal_requests_complaint", "complaint_id", "id"),
    )

    id: int = serial()
    complaint_id: uuid.UUID = complaint_ref()
    requested_by: str = text_field()
    motivation: str = text_field()
    legal_basis: str = text_field()
    status: str = code(REVEAL_STATUS)
    decided_by: str | None = text_field(nullable=True)
    decided_at: datetime | None = moment(nullable=True)
    decision_reason: str | None = text_field(nullable=True)
    notified_at: datetime | None = moment(nullable=True)
    no_notice_reason: str | None = text_field(nullable=True)
    created_at: datetime = moment(now=True)


class IdentityDisclosure(SQLModel, table=True):
    """Every time someone saw a revealed identity."""

    __tablename__ = "identity_disclosures"
    __table_args__ = (sa.Index("ix_identity_disclosures_request", "request_id", "id"),)

    id: int = serial()
    request_id: int = reference("identity_reveal_requests.id")
    seen_by: str = text_field()
    seen_role: str = text_field()
    seen_at: datetime = moment(now=True)
