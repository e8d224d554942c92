"""The records room's table."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import SQLModel

from app.kit.columns import code, code_domain, complaint_ref, moment, serial, text_field

RECORD_KIND = code_domain("record_kind", ["oral_report", "meeting"])
RECORD_STATUS = code_domain("record_status", ["awaiting_reporter", "approved", "corrected"])


class ReportRecord(SQLModel, table=True):
    """Minutes or transcript of an oral report or a meeting, which the reporter checks and then
    approves or corrects (EU Directive 2019/1937 art. 18)."""

    __tablename__ = "report_records"
    __table_args__ = (
        sa.CheckConstraint(
            "status <> 'corrected' OR reporter_comment IS NOT NULL", "correction_has_comment"
        ),
        sa.Index("ix_report_records_complaint", "complaint_id", "id"),
    )

    id: int = serial()
    complaint_id: uuid.UUID = complaint_ref()
    kind: str = code(RECORD_KIND)
    held_at: datetime = moment()
    transcript: str = text_field()
    status: str = code(RECORD_STATUS)
    reporter_comment: str | None = text_field(nullable=True)
    responded_at: datetime | None = moment(nullable=True)
    recorded_by: str = text_field()
    created_at: datetime = moment(now=True)
