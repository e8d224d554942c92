"""Bodies of the retaliation routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from annotated_types import Len
from pydantic import BaseModel

from app.kit.text import TEXT, Strict
from app.retaliation.models import Measure


class MeasureIn(Strict):
    measure: Measure


class MeasureDecisionIn(Strict):
    decision: Literal["granted", "refused"]
    note: Annotated[str, Len(3, 2_000), *TEXT]


class MeasureOut(BaseModel):
    id: int
    measure: Measure
    status: Literal["requested", "granted", "refused"]
    note: str | None
    decided_at: datetime | None
    created_at: datetime


class Measures(BaseModel):
    measures: list[MeasureOut]
