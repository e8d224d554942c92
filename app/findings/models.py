"""The findings room's tables and codes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlmodel import SQLModel

from app.kit.columns import code, code_domain, complaint_ref, moment, text_field, texts


class FindingOutcome(StrEnum):
    violation_found = "violation_found"
    partially_founded = "partially_founded"
    no_violation = "no_violation"
    not_substantiated = "not_substantiated"
    settled = "settled"  # friendly settlement


FINDING_OUTCOME = code_domain("finding_outcome", list(FindingOutcome))


class Finding(SQLModel, table=True):
    """The office's findings: drafted while investigating, issued by the `issue_findings`
    transition, then communicated to the complainant."""

    __tablename__ = "findings"

    complaint_id: uuid.UUID = complaint_ref(primary_key=True)
    outcome: str = code(FINDING_OUTCOME)
    rights_affected: list[str] = texts()
    public_summary: str = text_field()
    internal_reasoning: str = text_field()
    drafted_by: str = text_field()
    updated_at: datetime = moment(now=True)
    issued_at: datetime | None = moment(nullable=True)
    communicated_at: datetime | None = moment(nullable=True)
    communicated_by: str | None = text_field(nullable=True)
