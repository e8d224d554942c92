"""The investigations room's tables and codes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import SQLModel

from app.kit.columns import (
    code,
    code_domain,
    column,
    complaint_ref,
    moment,
    reference,
    serial,
    text_field,
)


class StepKind(StrEnum):
    information_request = "information_request"  # to a respondent department, with a due date
    interview = "interview"
    site_visit = "site_visit"
    evidence = "evidence"


STEP_KIND = code_domain("step_kind", list(StepKind))


class Investigation(SQLModel, table=True):
    """The plan of an investigation; its steps are recorded in investigation_steps."""

    __tablename__ = "investigations"

    complaint_id: uuid.UUID = complaint_ref(primary_key=True)
    plan: str = text_field()
    opened_by: str = text_field()
    opened_at: datetime = moment(now=True)
    updated_at: datetime = moment(now=True)


class InvestigationStep(SQLModel, table=True):
    """Something done in an investigation. An information request is addressed to a department,
    which answers it by its due date."""

    __tablename__ = "investigation_steps"
    __table_args__ = (
        sa.CheckConstraint(
            "kind <> 'information_request' OR (department IS NOT NULL AND due_at IS NOT NULL)",
            "information_request_addressed",
        ),
        sa.CheckConstraint(
            "(answer IS NULL) = (answered_at IS NULL) AND (answer IS NULL) = (answered_by IS NULL)",
            "answer_complete",
        ),
        sa.Index("ix_investigation_steps_complaint", "complaint_id", "id"),
        sa.Index(
            "ix_investigation_steps_open_requests",
            "department",
            "due_at",
            postgresql_where=sa.text("kind = 'information_request' AND answered_at IS NULL"),
        ),
        sa.Index(
            "ix_investigation_steps_requests_due",
            "due_at",
            postgresql_where=sa.text("kind = 'information_request' AND answered_at IS NULL"),
        ),
    )

    id: int = serial()
    complaint_id: uuid.UUID = reference("investigations.complaint_id", pg.UUID(as_uuid=True))
    kind: str = code(STEP_KIND)
    summary: str = text_field()
    details: str | None = text_field(nullable=True)
    occurred_on: date | None = column(sa.Date, nullable=True)
    department: str | None = text_field(nullable=True)
    due_at: datetime | None = moment(nullable=True)
    answer: str | None = text_field(nullable=True)
    answered_at: datetime | None = moment(nullable=True)
    answered_by: str | None = text_field(nullable=True)
    created_by: str = text_field()
    created_at: datetime = moment(now=True)
