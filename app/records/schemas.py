"""Bodies of the oral-report and meeting records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.complaints.schemas import IsoDateTime, bounded_text


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["oral_report", "meeting"]
    held_at: IsoDateTime
    transcript: bounded_text(10, 100_000) = Field(  # type: ignore[valid-type]
        description="Minutes or transcript, which the reporter will check."
    )

    @model_validator(mode="after")
    def _past(self) -> RecordIn:
        if self.held_at > datetime.now(UTC):
            raise ValueError("held_at cannot be in the future")
        return self


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    corrections: bounded_text(3, 20_000) | None = Field(  # type: ignore[valid-type]
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
