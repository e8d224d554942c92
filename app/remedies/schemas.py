"""Bodies of the remedy routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from annotated_types import Len
from pydantic import BaseModel, Field, model_validator

from app.kit.text import TEXT, IsoDateTime, Strict
from app.remedies.models import RemedyAssessment, RemedyForm, RemedyResponse


class RemedyIn(Strict):
    form: RemedyForm = Field(description="One of the five forms of the UN Basic Principles.")
    department: Annotated[str, Len(2, 200), *TEXT]
    description: Annotated[str, Len(10, 5_000), *TEXT]
    response_due_at: IsoDateTime = Field(description="When the department must answer.")
    implementation_due_at: IsoDateTime | None = None

    @model_validator(mode="after")
    def _dates(self) -> RemedyIn:
        if self.response_due_at <= datetime.now(UTC):
            raise ValueError("response_due_at must be in the future")
        if self.implementation_due_at and self.implementation_due_at < self.response_due_at:
            raise ValueError("implementation_due_at must not precede response_due_at")
        return self


class ReportOut(BaseModel):
    kind: Literal["progress", "implemented"]
    text: str
    evidence: str | None
    reported_at: datetime


class RemedyOut(BaseModel):
    id: int
    complaint_id: UUID
    form: RemedyForm
    department: str
    description: str
    response_due_at: datetime
    implementation_due_at: datetime | None
    response: RemedyResponse | None
    response_reasons: str | None
    responded_at: datetime | None
    response_overdue: bool
    implementation_overdue: bool
    reports: list[ReportOut]
    assessment: RemedyAssessment | None
    assessment_note: str | None = Field(description="Staff only.")
    assessed_at: datetime | None


class RemedyList(BaseModel):
    complaint_id: UUID
    remedies: list[RemedyOut]


class RemedyForDepartment(BaseModel):
    """What the addressed department sees: the remedy and its own answers. No complainant."""

    id: int
    complaint_reference: str | None = Field(
        description="Withheld on the confidential anti-corruption track."
    )
    form: RemedyForm
    description: str
    response_due_at: datetime
    implementation_due_at: datetime | None
    response: RemedyResponse | None
    response_reasons: str | None
    response_overdue: bool
    implementation_overdue: bool
    reports: list[ReportOut]
    assessment: RemedyAssessment | None


class RemedyPage(BaseModel):
    items: list[RemedyForDepartment]
    next_after: int | None


class ResponseIn(Strict):
    response: RemedyResponse
    reasons: Annotated[str, Len(3, 5_000), *TEXT] | None = Field(
        default=None, description="Required when rejecting."
    )

    @model_validator(mode="after")
    def _reasoned(self) -> ResponseIn:
        if self.response is RemedyResponse.rejected and not self.reasons:
            raise ValueError("a rejection needs reasons")
        return self


class ReportIn(Strict):
    kind: Literal["progress", "implemented"]
    text: Annotated[str, Len(3, 5_000), *TEXT]
    evidence: Annotated[str, Len(3, 5_000), *TEXT] | None = Field(
        default=None, description="What shows it was done; required when reporting `implemented`."
    )

    @model_validator(mode="after")
    def _evidenced(self) -> ReportIn:
        if self.kind == "implemented" and not self.evidence:
            raise ValueError("reporting implementation needs evidence")
        return self


class AssessmentIn(Strict):
    assessment: RemedyAssessment
    note: Annotated[str, Len(3, 5_000), *TEXT] | None = None
