"""Page sizes, shared by every list route."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.config import Settings
from app.errors import Unprocessable


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


def split_page(rows: list[T], limit: int, key: Callable[[T], int]) -> tuple[list[T], int | None]:
    """Rows fetched with limit + 1: the page, and the `after` of the next page (None at the end)."""
    page = rows[:limit]
    return page, (key(page[-1]) if len(rows) > limit else None)
