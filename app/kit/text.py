"""The shapes every request body is built from: bounded, storable text; ISO dates; strict models.

`Annotated[str, Len(3, 200), *TEXT]` is text stripped of surrounding white space, 3 to 200
characters long once stripped, that PostgreSQL can store. The length comes before the rest, so
pydantic checks it with the string itself, in Rust; only the storability check is Python.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, TypeVar

from annotated_types import Len
from fastapi.exceptions import RequestValidationError
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationError,
)

__all__ = [
    "TEXT",
    "IsoDate",
    "IsoDateTime",
    "Len",
    "Storable",
    "Strict",
    "Subject",
    "parse_body",
    "storable_text",
]


def storable_text(value: str) -> str:
    """Text PostgreSQL can store: no NUL character, no lone surrogate (invalid in UTF-8)."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode") from exc
    return value


Storable = AfterValidator(storable_text)
TEXT = (StringConstraints(strip_whitespace=True), Storable)
# Who someone is to the service: the `sub` of their token (staff, departments, residents).
Subject = Annotated[str, Len(1, 200), *TEXT]


class Strict(BaseModel):
    """A request body: unknown fields are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso(value: object) -> object:
    """Dates and times arrive as ISO 8601 strings. Pydantic would also read a number, or a
    numeric string, as seconds since 1970: that is never what a person meant."""
    if value is not None and not (isinstance(value, str) and _ISO_DATE.match(value)):
        raise ValueError("expected an ISO 8601 date (YYYY-MM-DD) or date-time with offset")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso)]

M = TypeVar("M", bound=BaseModel)


def parse_body(model: type[M], raw: bytes) -> M:
    """Validate a JSON body in one pass; errors read as FastAPI's own (fields under `body`)."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        for error in errors:
            error["loc"] = ("body", *error["loc"]) if error["type"] != "json_invalid" else ("body",)
        raise RequestValidationError(errors) from None
