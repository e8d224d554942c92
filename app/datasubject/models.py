"""Erasure requests' table."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import SQLModel

from app.kit.columns import code, code_domain, complaint_ref, moment, serial, text_field

ERASURE_STATUS = code_domain("erasure_status", ["pending", "executed", "refused"])
# GDPR art. 17(3): the grounds on which an erasure may be refused.
ERASURE_GROUND = code_domain(
    "erasure_ground",
    ["legal_obligation", "public_interest", "archiving_or_statistics", "legal_claims"],
)


class ErasureRequest(SQLModel, table=True):
    """A data subject's request to erase their personal data (GDPR art. 17), answered within a
    month (art. 12(3); extendable once by two months, with reasons): executed or refused on a
    ground of art. 17(3) by a head of office other than whoever recorded it."""

    __tablename__ = "erasure_requests"
    __table_args__ = (
        sa.Index("ix_erasure_requests_complaint", "complaint_id", "id"),
        # The deadlines view: pending requests by due date.
        sa.Index(
            "ix_erasure_requests_pending_due",
            "due_at",
            postgresql_where=sa.text("status = 'pending'"),
        ),
        sa.CheckConstraint("status <> 'refused' OR ground IS NOT NULL", "refusal_names_its_ground"),
    )

    id: int = serial()
    complaint_id: uuid.UUID = complaint_ref()
    received_at: datetime = moment(now=True)
    due_at: datetime = moment()
    channel: str = text_field()
    recorded_by: str = text_field()
    recorded_role: str = text_field()
    status: str = code(ERASURE_STATUS)
    ground: str | None = code(ERASURE_GROUND, nullable=True)
    decision_reason: str | None = text_field(nullable=True)
    decided_by: str | None = text_field(nullable=True)
    decided_at: datetime | None = moment(nullable=True)
    extended_at: datetime | None = moment(nullable=True)
    extended_by: str | None = text_field(nullable=True)
    extension_reason: str | None = text_field(nullable=True)
