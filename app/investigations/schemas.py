"""Bodies of the investigation and information-request routes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from uuid import UUID

from annotated_types import Len
from pydantic import BaseModel, Field, model_validator

from app.investigations.models import StepKind
from app.kit.text import TEXT, IsoDate, IsoDateTime, Strict


class InvestigationIn(Strict):
    plan: Annotated[str, Len(10, 10_000), *TEXT] = Field(
        description="What will be examined, how, and with whom (proportionate to the case)."
    )


class StepIn(Strict):
    kind: StepKind
    summary: Annotated[str, Len(3, 2_000), *TEXT] = Field(
        description="For an information request: the question the department receives."
    )
    details: Annotated[str, Len(1, 10_000), *TEXT] | None = Field(
        default=None, description="Internal notes on the step; never shown to the department."
    )
    occurred_on: IsoDate | None = None
    department: Annotated[str, Len(2, 200), *TEXT] | None = Field(
        default=None, description="Information requests: the department asked."
    )
    due_at: IsoDateTime | None = Field(
        default=None, description="Information requests: when the answer is due (future)."
    )

    @model_validator(mode="after")
    def _addressed(self) -> StepIn:
        request = self.kind is StepKind.information_request
        if request and (self.department is None or self.due_at is None):
            raise ValueError("an information request needs a department and a due_at")
        if not request and (self.department is not None or self.due_at is not None):
            raise ValueError("only information requests have a department and a due_at")
        if self.due_at is not None and self.due_at <= datetime.now(UTC):
            raise ValueError("due_at must be in the future")
        if self.occurred_on is not None and self.occurred_on > date.today():
            raise ValueError("occurred_on cannot be in the future")
        return self


class StepOut(BaseModel):
    id: int
    kind: StepKind
    summary: str
    details: str | None
    occurred_on: date | None
    department: str | None
    due_at: datetime | None
    overdue: bool
    answer: str | None
    answered_at: datetime | None
    answered_by: str | None
    created_by: str
    created_at: datetime


class InvestigationOut(BaseModel):
    complaint_id: UUID
    plan: str
    opened_by: str
    opened_at: datetime
    updated_at: datetime
    steps: list[StepOut]


class InformationRequestOut(BaseModel):
    """What a department sees: the question, its deadline, its answer. No complainant."""

    id: int
    complaint_reference: str | None = Field(
        description="The complaint's reference; withheld on the confidential anti-corruption track."
    )
    question: str
    due_at: datetime
    overdue: bool
    answer: str | None
    answered_at: datetime | None


class InformationRequestPage(BaseModel):
    items: list[InformationRequestOut]
    next_after: int | None


class AnswerIn(Strict):
    answer: Annotated[str, Len(1, 10_000), *TEXT]
