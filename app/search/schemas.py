"""The search query and its hits."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from annotated_types import Len
from pydantic import BaseModel, Field

from app.complaints.workflow import Status
from app.kit.text import TEXT, Strict
from app.taxonomy import Track


class SearchQuery(Strict):
    """GET /v1/search. Unknown parameters are refused."""

    q: Annotated[str, Len(1, 200), *TEXT] = Field(
        description='Words to find, as a web search engine reads them: `"exact phrase"`, '
        "`or`, `-excluded`. Each word is matched in every language the service ships (with "
        "its stemming: `expulsion` finds `expulsions`) and as written.",
        examples=["expulsion logement"],
    )
    limit: int | None = Field(
        default=None, ge=1, description="Page size; at most the configured cap (default 100)."
    )
    cursor: str | None = Field(default=None, max_length=200)


class MatchedField(StrEnum):
    summary = "summary"
    description = "description"
    message = "message"
    internal_note = "internal_note"


class SearchHit(BaseModel):
    id: UUID
    reference: str
    track: Track
    status: Status
    received_at: datetime
    field: MatchedField = Field(
        description="Where the words were found: the summary first, then the description, a "
        "message, an internal note."
    )
    snippet: str = Field(
        description="A short extract of that text, the matched words between « and » (plain text)."
    )


class SearchPage(BaseModel):
    items: list[SearchHit]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
