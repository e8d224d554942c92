"""Page sizes, shared by every list route."""

from __future__ import annotations

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
