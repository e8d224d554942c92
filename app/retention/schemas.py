"""Models of the retention routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from annotated_types import Len
from pydantic import BaseModel, Field

from app.kit.text import TEXT, Strict


class HoldIn(Strict):
    reason: Annotated[str, Len(10, 2000), *TEXT] = Field(
        description="Why the case must be kept (litigation, an inquiry, a request of a court).",
        examples=["Appeal pending before the administrative court."],
    )


class LegalHold(BaseModel):
    held: bool
    reason: str | None
    set_by: str | None
    set_at: datetime | None
    retention_until: datetime | None = Field(
        description="When the purge may remove the case; null while it is open."
    )
    finished_at: datetime | None
