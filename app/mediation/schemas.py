"""Bodies of the mediation routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from annotated_types import Len
from pydantic import BaseModel, Field, model_validator

from app.kit.text import TEXT, Strict


class AttemptIn(Strict):
    result: Literal["settled", "failed"]
    terms: Annotated[str, Len(3, 10_000), *TEXT] | None = Field(
        default=None, description="The settlement's terms; required when settled."
    )
    notes: Annotated[str, Len(1, 10_000), *TEXT] | None = Field(
        default=None, description="Internal notes; never shown to the complainant."
    )
    mediator: Annotated[str, Len(1, 200), *TEXT] | None = None

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
