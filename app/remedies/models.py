"""The remedies room's tables and codes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import SQLModel

from app.kit.columns import code, code_domain, complaint_ref, moment, reference, serial, text_field


# UN Basic Principles on the Right to a Remedy and Reparation (2005), the five forms.
class RemedyForm(StrEnum):
    restitution = "restitution"
    compensation = "compensation"
    rehabilitation = "rehabilitation"
    satisfaction = "satisfaction"
    guarantee_of_non_repetition = "guarantee_of_non_repetition"


class RemedyResponse(StrEnum):
    accepted = "accepted"
    rejected = "rejected"


class RemedyAssessment(StrEnum):
    implemented = "implemented"
    partially_implemented = "partially_implemented"
    not_implemented = "not_implemented"


REMEDY_FORM = code_domain("remedy_form", list(RemedyForm))
REMEDY_RESPONSE = code_domain("remedy_response", list(RemedyResponse))
REMEDY_ASSESSMENT = code_domain("remedy_assessment", list(RemedyAssessment))
REMEDY_REPORT_KIND = code_domain("remedy_report_kind", ["progress", "implemented"])


class Remedy(SQLModel, table=True):
    """A recommended remedy, addressed to a department, followed until the office assesses it."""

    __tablename__ = "remedies"
    __table_args__ = (
        sa.CheckConstraint(
            "response IS DISTINCT FROM 'rejected' OR response_reasons IS NOT NULL",
            "rejection_reasoned",
        ),
        sa.Index("ix_remedies_complaint", "complaint_id", "id"),
        sa.Index(
            "ix_remedies_awaiting_response",
            "department",
            "response_due_at",
            postgresql_where=sa.text("response IS NULL"),
        ),
        sa.Index(
            "ix_remedies_response_due",
            "response_due_at",
            postgresql_where=sa.text("response IS NULL"),
        ),
        sa.Index(
            "ix_remedies_implementation_due",
            "implementation_due_at",
            postgresql_where=sa.text("assessment IS NULL AND implementation_due_at IS NOT NULL"),
        ),
    )

    id: int = serial()
    complaint_id: uuid.UUID = complaint_ref()
    form: str = code(REMEDY_FORM)
    department: str = text_field()
    description: str = text_field()
    response_due_at: datetime = moment()
    implementation_due_at: datetime | None = moment(nullable=True)
    response: str | None = code(REMEDY_RESPONSE, nullable=True)
    response_reasons: str | None = text_field(nullable=True)
    responded_at: datetime | None = moment(nullable=True)
    responded_by: str | None = text_field(nullable=True)
    assessment: str | None = code(REMEDY_ASSESSMENT, nullable=True)
    assessment_note: str | None = text_field(nullable=True)
    assessed_at: datetime | None = moment(nullable=True)
    assessed_by: str | None = text_field(nullable=True)
    created_by: str = text_field()
    created_at: datetime = moment(now=True)


class RemedyReport(SQLModel, table=True):
    """A department's report on a remedy: progress, or that it is implemented (with evidence)."""

    __tablename__ = "remedy_reports"
    __table_args__ = (sa.Index("ix_remedy_reports_remedy", "remedy_id", "id"),)

    id: int = serial()
    remedy_id: int = reference("remedies.id")
    kind: str = code(REMEDY_REPORT_KIND)
    text: str = text_field()
    evidence: str | None = text_field(nullable=True)
    reported_by: str = text_field()
    reported_at: datetime = moment(now=True)
