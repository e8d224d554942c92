"""The mediation room's table."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import SQLModel

from app.kit.columns import code, code_domain, complaint_ref, moment, serial, text_field

MEDIATION_RESULT = code_domain("mediation_result", ["settled", "failed"])


class MediationAttempt(SQLModel, table=True):
    """An attempt at an amicable settlement and its result; a settlement records its terms."""

    __tablename__ = "mediation_attempts"
    __table_args__ = (
        sa.CheckConstraint("result <> 'settled' OR terms IS NOT NULL", "settlement_has_terms"),
        sa.Index("ix_mediation_attempts_complaint", "complaint_id", "id"),
    )

    id: int = serial()
    complaint_id: uuid.UUID = complaint_ref()
    result: str = code(MEDIATION_RESULT)
    terms: str | None = text_field(nullable=True)
    notes: str | None = text_field(nullable=True)
    mediator: str | None = text_field(nullable=True)
    recorded_by: str = text_field()
    recorded_at: datetime = moment(default="clock_timestamp()")
