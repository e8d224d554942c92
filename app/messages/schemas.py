"""Bodies of the message routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from annotated_types import Len
from pydantic import BaseModel, Field

from app.kit.text import TEXT, Strict
from app.messages.models import MessageKind


class MessageIn(Strict):
    body: Annotated[str, Len(1, 10_000), *TEXT]
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
