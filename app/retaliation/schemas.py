"""Bodies of the retaliation routes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.complaints.schemas import RightCode, bounded_text

Measure = Literal["relocation_support", "legal_aid", "psychosocial_support"]


class RetaliationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: bounded_text(10, 10_000) = Field(  # type: ignore[valid-type]
        description="What happened to you after your report."
    )
    rights_affected: list[RightCode] = Field(  # type: ignore[valid-type]
        min_length=1, max_length=10, examples=[["work"]]
    )
    measures: list[Measure] = Field(
        default_factory=list, max_length=3, description="Protection you ask for."
    )

    @model_validator(mode="after")
    def _unique(self) -> RetaliationIn:
        if len(set(self.measures)) != len(self.measures):
            raise ValueError("measures lists one twice")
        if len(set(self.rights_affected)) != len(self.rights_affected):
            raise ValueError("rights_affected lists a code twice")
        return self


class MeasureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    measure: Measure


class MeasureDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["granted", "refused"]
    note: bounded_text(3, 2_000)  # type: ignore[valid-type]


class MeasureOut(BaseModel):
    id: int
    measure: Measure
    status: Literal["requested", "granted", "refused"]
    note: str | None
    decided_at: datetime | None
    created_at: datetime


class Measures(BaseModel):
    measures: list[MeasureOut]
