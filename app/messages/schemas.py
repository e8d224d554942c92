"""Bodies of the message routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.complaints.schemas import bounded_text
from app.complaints.workflow import MessageKind


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: bounded_text(1, 10_000)  # type: ignore[valid-type]
    internal: bool = Field(
        default=False,
        description="Staff only: an internal note the complainant never sees.",
    )


class MessageOut(BaseModel):
    id: int
    kind: MessageKind
    body: str
    author_role: str
    author_subject: str | None = Field(description="Who wrote it; shown to staff only.")
    created_at: datetime


class MessagePage(BaseModel):
    items: list[MessageOut]
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null at the end."
    )
