"""Dates and times on the case page's forms: a browser's date-and-time field has no offset, and
the service keeps and writes times in UTC (its timeline notes say "... UTC"), so the forms ask
for UTC and say so, and show stored times the same way."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from starlette.datastructures import FormData

from app.web.i18n import Texts

# What an <input type="datetime-local"> sends: "2027-03-01T10:30" (seconds optional).
_LOCAL = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?")


def posted_utc(form: FormData, name: str) -> str | None:
    """A posted date and time as the API takes it (ISO 8601 with an offset): a value without an
    offset is read as UTC; anything else goes on as typed, for the API's model to judge."""
    raw = form.get(name)
    if not isinstance(raw, str) or not raw.strip():
        return None
    value = raw.strip()
    return f"{value}Z" if _LOCAL.fullmatch(value) else value


def field_value(at: datetime) -> str:
    """A stored time as a date-and-time field shows it (UTC, to the minute)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def moment(texts: Texts, at: datetime) -> str:
    """A stored time for a person: the day in their language, the time in UTC."""
    utc = at.astimezone(UTC)
    return texts("%(day)s at %(time)s UTC", day=texts.day(utc), time=utc.strftime("%H:%M"))
