"""Bodies of the findings routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from annotated_types import Len
from pydantic import BaseModel, Field, model_validator

from app.findings.models import FindingOutcome
from app.kit.text import TEXT, Strict
from app.taxonomy import RightCode


class FindingsIn(Strict):
    outcome: FindingOutcome
    rights_affected: list[RightCode] = Field(
        default_factory=list, max_length=10, description="Taxonomy codes of the rights affected."
    )
    public_summary: Annotated[str, Len(10, 10_000), *TEXT] = Field(
        description="What the complainant is told."
    )
    internal_reasoning: Annotated[str, Len(10, 50_000), *TEXT] = Field(
        description="The office's full reasoning; staff only."
    )

    @model_validator(mode="after")
    def _unique(self) -> FindingsIn:
        if len(set(self.rights_affected)) != len(self.rights_affected):
            raise ValueError("rights_affected lists a code twice")
        return self


class FindingsOut(BaseModel):
    complaint_id: UUID
    outcome: FindingOutcome
    rights_affected: list[str]
    public_summary: str
    internal_reasoning: str | None = Field(description="Staff only.")
    drafted_by: str | None = Field(description="Staff only.")
    updated_at: datetime
    issued_at: datetime | None
    communicated_at: datetime | None


class CommunicationIn(Strict):
    channel: Literal["portal", "email", "post", "phone", "in_person"] = "portal"
    note: Annotated[str, Len(1, 2_000), *TEXT] | None = Field(
        default=None, description="Shown to the complainant on the timeline."
    )
