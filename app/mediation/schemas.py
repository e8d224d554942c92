"""Bodies of the mediation routes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.complaints.schemas import bounded_text


class AttemptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: Literal["settled", "failed"]
    terms: bounded_text(3, 10_000) | None = Field(  # type: ignore[valid-type]
        default=None, description="The settlement's terms; required when settled."
    )
    notes: bounded_text(1, 10_000) | None = Field(  # type: ignore[valid-type]
        default=None, description="Internal notes; never shown to the complainant."
    )
    mediator: bounded_text(1, 200) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _terms(self) -> AttemptIn:
        if self.result == "settled" and not self.terms:
            raise ValueError("a settlement records its terms")
        return self


class AttemptOut(BaseModel):
    id: int
    result: Literal["settled", "failed"]
    terms: str | None
    notes: str | None = Field(description="Staff only.")
    mediator: str | None = Field(description="Staff only.")
    recorded_at: datetime


class Attempts(BaseModel):
    attempts: list[AttemptOut]
