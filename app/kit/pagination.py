"""Page sizes and cursors, shared by every list route."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from app.config import Settings
from app.kit.errors import Unprocessable


def page_limit(settings: Settings, requested: int | None) -> int:
    """The page size to use: the default when none is asked, 422 above the configured cap."""
    if requested is None:
        return settings.page_size_default
    if requested > settings.page_size_max:
        raise Unprocessable(
            f"limit may be at most {settings.page_size_max}.",
            [
                {
                    "field": "query.limit",
                    "message": f"at most {settings.page_size_max}",
                    "type": "less_than_equal",
                }
            ],
        )
    return requested


class IdPageQuery(BaseModel):
    """Query of a list paged by id, oldest first. Unknown parameters are refused."""

    model_config = ConfigDict(extra="forbid")

    after: int | None = Field(default=None, ge=0, description="Items after this id.")
    limit: int | None = Field(
        default=None, ge=1, description="Page size (default 50, at most the configured cap)."
    )


class OpenItemsQuery(IdPageQuery):
    open_only: bool = Field(
        default=False, description="Only items still awaiting an answer or an assessment."
    )


T = TypeVar("T")
C = TypeVar("C")


def split_page(rows: list[T], limit: int, key: Callable[[T], int]) -> tuple[list[T], int | None]:
    """Rows fetched with limit + 1: the page, and the `after` of the next page (None at the end)."""
    page = rows[:limit]
    return page, (key(page[-1]) if len(rows) > limit else None)


def encode_cursor(*values: object) -> str:
    """An opaque cursor: the sort key of the last item of a page."""
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else str(v) for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, shape: TypeAdapter[C]) -> C:
    """The sort key a cursor holds, checked against its `shape` (422 for anything else)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = shape.validate_json(raw)
        # What this API writes: times with their zone, text without NUL (PostgreSQL refuses it).
        for value in values if isinstance(values, tuple) else (values,):
            if isinstance(value, datetime) and value.tzinfo is None:
                raise ValueError("a time without its zone")
            if isinstance(value, str) and "\x00" in value:
                raise ValueError("a NUL character")
        return values
    except (binascii.Error, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        raise Unprocessable(
            "The cursor is not one this API issued.",
            [{"field": "query.cursor", "message": "invalid cursor", "type": "value_error"}],
        ) from exc
