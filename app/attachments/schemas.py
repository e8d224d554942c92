"""Bodies of the attachment routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from app.kit.text import Storable

Filename = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^/\\]+$"),
    Storable,
]


class AttachmentOut(BaseModel):
    id: UUID
    parent: str = Field(description="`complaint`, `message` or `step`.")
    parent_id: int | None
    filename: str
    content_type: str
    size_bytes: int
    sha256: str = Field(description="Hex SHA-256 of the file, checked on every download.")
    visible_to_complainant: bool
    uploaded_by: str | None = Field(description="Staff only.")
    created_at: datetime


class Attachments(BaseModel):
    attachments: list[AttachmentOut]
