"""Bodies of the oral-report and meeting records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from annotated_types import Len
from pydantic import BaseModel, Field, model_validator

from app.kit.text import TEXT, IsoDateTime, Strict


class RecordIn(Strict):
    kind: Literal["oral_report", "meeting"]
    held_at: IsoDateTime
    transcript: Annotated[str, Len(10, 100_000), *TEXT] = Field(
        description="Minutes or transcript, which the reporter will check."
    )

    @model_validator(mode="after")
    def _past(self) -> RecordIn:
        if self.held_at > datetime.now(UTC):
            raise ValueError("held_at cannot be in the future")
        return self


class ResponseIn(Strict):
    approve: bool
    corrections: Annotated[str, Len(3, 20_000), *TEXT] | None = Field(
        default=None, description="Required when not approving: what is wrong or missing."
    )

    @model_validator(mode="after")
    def _corrected(self) -> ResponseIn:
        if not self.approve and not self.corrections:
            raise ValueError("say what to correct")
        if self.approve and self.corrections:
            raise ValueError("an approval carries no corrections")
        return self


class RecordOut(BaseModel):
    id: int
    kind: Literal["oral_report", "meeting"]
    held_at: datetime
    transcript: str
    status: Literal["awaiting_reporter", "approved", "corrected"]
    reporter_comment: str | None
    responded_at: datetime | None
    created_at: datetime


class Records(BaseModel):
    records: list[RecordOut]
