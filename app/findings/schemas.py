"""Bodies of the findings routes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.complaints.schemas import RightCode, bounded_text
from app.complaints.workflow import FindingOutcome


class FindingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: FindingOutcome
    rights_affected: list[RightCode] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=10, description="Taxonomy codes of the rights affected."
    )
    public_summary: bounded_text(10, 10_000) = Field(  # type: ignore[valid-type]
        description="What the complainant is told."
    )
    internal_reasoning: bounded_text(10, 50_000) = Field(  # type: ignore[valid-type]
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


class CommunicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Literal["portal", "email", "post", "phone", "in_person"] = "portal"
    note: bounded_text(1, 2_000) | None = Field(  # type: ignore[valid-type]
        default=None, description="Shown to the complainant on the timeline."
    )
