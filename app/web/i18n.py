"""Language and formatting of the pages, in one place so that catalogs can come later.

Every string the pages show goes through a `Texts`: templates through the Jinja i18n extension
(`{% trans %}`, `_()`), Python through `Texts.__call__` and `Texts.plural`. Both are English (null
translations) for now; adding languages means choosing a `Texts` per request (Accept-Language,
a Babel catalog, `direction="rtl"` for Arabic or Persian) and handing the same translations to
the template environment, with no change to markup. Dates and numbers go through the helpers
below for the same reason: Babel's `format_date` and `format_decimal` replace them later.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from fastapi import Request


def N_(message: str) -> str:
    """Marks a constant for extraction into catalogs; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Texts:
    """The translations of one request, and how its language is written."""

    translations: gettext.NullTranslations = field(default_factory=gettext.NullTranslations)
    lang: str = "en"
    direction: Literal["ltr", "rtl"] = "ltr"

    def __call__(self, message: str, **values: object) -> str:
        """The translation of `message`, with `%(name)s` placeholders filled from `values`."""
        text = self.translations.gettext(message)
        return text % values if values else text

    def plural(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The form for `n` (`%(num)s` is n), as languages differ in how many forms they have."""
        return self.translations.ngettext(singular, plural, n) % {"num": count(n), **values}


def texts_for(request: Request) -> Texts:
    """English for everyone until the first catalog exists (then: Accept-Language or a choice)."""
    return Texts()


def iso_date(value: datetime | date | str) -> str:
    """A date as YYYY-MM-DD: unambiguous in every language until locale formats come."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def count(n: int) -> str:
    """A whole number with thousands grouped (English grouping for now)."""
    return f"{n:,}"


def percent(share: float) -> str:
    """A share (0 to 1) as a percentage with one decimal."""
    return f"{share * 100:.1f}%"


def days(n: float) -> str:
    """A number of days (medians may fall between two whole days)."""
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"
