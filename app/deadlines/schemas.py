"""Bodies of the deadlines view."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from annotated_types import Len
from pydantic import BaseModel, Field

from app.kit.text import TEXT, Strict
from app.taxonomy import Track

DeadlineKind = Literal[
    "acknowledgement",
    "feedback",
    "decision",
    "information_request",
    "remedy_response",
    "remedy_implementation",
    "erasure_request",
    "stale_case",
]


class DeadlineQuery(Strict):
    kind: list[DeadlineKind] | None = Field(default=None, max_length=8)
    track: Track | None = None
    handler: Annotated[str, Len(1, 200), *TEXT] | None = Field(
        default=None, description="A handler's subject, or `me`."
    )
    overdue: bool = Field(default=False, description="Only what is past its due date.")
    within_days: int = Field(
        default=30, ge=0, le=366, description="Otherwise: what falls due within this many days."
    )
    limit: int | None = Field(default=None, ge=1, description="Page size (default 50).")
    cursor: str | None = Field(default=None, max_length=200)


class Deadline(BaseModel):
    kind: DeadlineKind
    complaint_id: UUID
    reference: str
    track: Track
    handler: str | None
    due_at: datetime
    overdue: bool
    item_id: int | None = Field(description="The information request or remedy, if any.")
    department: str | None


class DeadlinePage(BaseModel):
    items: list[Deadline]
    next_cursor: str | None
