"""Bodies of the hearing routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.complaints.schemas import IsoDateTime, Storable, bounded_text
from app.complaints.workflow import HearingMode, HearingStatus

HttpsUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=1_000, pattern=r"^https://\S+$"),
    Storable,
]


class Participant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["complainant", "respondent", "witness", "interpreter", "staff", "representative"]
    name: bounded_text(1, 200) | None = None  # type: ignore[valid-type]
    needs: bounded_text(1, 1_000) | None = Field(  # type: ignore[valid-type]
        default=None,
        description="Accessibility or interpretation needs (sign language, step-free access, ...).",
    )


def _future(value: datetime) -> datetime:
    if value <= datetime.now(UTC):
        raise ValueError("scheduled_at must be in the future")
    return value


class HearingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheduled_at: IsoDateTime
    mode: HearingMode
    location: bounded_text(2, 500) | None = None  # type: ignore[valid-type]
    online_url: HttpsUrl | None = None
    participants: list[Participant] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _where(self) -> HearingIn:
        _future(self.scheduled_at)
        if self.mode is not HearingMode.online and not self.location:
            raise ValueError("a hearing in person needs a location")
        if self.mode is not HearingMode.in_person and not self.online_url:
            raise ValueError("an online hearing needs an https online_url")
        return self


class RescheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheduled_at: IsoDateTime
    reason: bounded_text(3, 2_000)  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _when(self) -> RescheduleIn:
        _future(self.scheduled_at)
        return self


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: bounded_text(3, 2_000)  # type: ignore[valid-type]


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: bounded_text(10, 50_000) = Field(  # type: ignore[valid-type]
        description="Internal record of the hearing."
    )
    outcome: bounded_text(3, 5_000) = Field(  # type: ignore[valid-type]
        description="What the complainant is told."
    )


class HearingOut(BaseModel):
    id: int
    scheduled_at: datetime
    mode: HearingMode
    location: str | None
    online_url: str | None
    status: HearingStatus
    outcome: str | None
    participants: list[Participant] | None = Field(description="Staff only.")
    minutes: str | None = Field(description="Staff only.")
    updated_at: datetime


class Hearings(BaseModel):
    hearings: list[HearingOut]
