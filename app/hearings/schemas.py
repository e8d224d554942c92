"""Bodies of the hearing routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from annotated_types import Len
from pydantic import BaseModel, Field, StringConstraints, model_validator

from app.hearings.models import HearingMode, HearingStatus
from app.kit.text import TEXT, IsoDateTime, Storable, Strict

HttpsUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=1_000, pattern=r"^https://\S+$"),
    Storable,
]


class Participant(Strict):
    role: Literal["complainant", "respondent", "witness", "interpreter", "staff", "representative"]
    name: Annotated[str, Len(1, 200), *TEXT] | None = None
    needs: Annotated[str, Len(1, 1_000), *TEXT] | None = Field(
        default=None,
        description="Accessibility or interpretation needs (sign language, step-free access, ...).",
    )


def _future(value: datetime) -> datetime:
    if value <= datetime.now(UTC):
        raise ValueError("scheduled_at must be in the future")
    return value


class HearingIn(Strict):
    scheduled_at: IsoDateTime
    mode: HearingMode
    location: Annotated[str, Len(2, 500), *TEXT] | None = None
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


class RescheduleIn(Strict):
    scheduled_at: IsoDateTime
    reason: Annotated[str, Len(3, 2_000), *TEXT]

    @model_validator(mode="after")
    def _when(self) -> RescheduleIn:
        _future(self.scheduled_at)
        return self


class CancelIn(Strict):
    reason: Annotated[str, Len(3, 2_000), *TEXT]


class RecordIn(Strict):
    minutes: Annotated[str, Len(10, 50_000), *TEXT] = Field(
        description="Internal record of the hearing."
    )
    outcome: Annotated[str, Len(3, 5_000), *TEXT] = Field(
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
