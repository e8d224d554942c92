"""Languages: which one a request is answered in, its translations, and its formats.

Every string a page or a problem document shows is English in the code, marked for extraction
(`N_` for constants, `{% trans %}`/`_()` in templates, `Texts.__call__` in Python), and looked up
in the catalog of the reader's language: `app/locale/<lang>/LC_MESSAGES/messages.po`, compiled to
`.mo` by the set-up (`make catalogs` extracts and merges; `pybabel compile` writes the `.mo`).
A checkout whose `.mo` files are missing or older than their `.po` compiles them in memory at
start, so a translation edited by hand is never silently ignored.

The language is the reader's explicit choice (the `lang` cookie the language switcher sets), else
the best match of `Accept-Language`, else English. Dates and numbers go through Babel's
formatters for the same locale.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from babel.units import format_unit
from starlette.requests import HTTPConnection

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
# The shipped languages, each as its speakers write its name, and its direction.
LANGUAGES: dict[str, tuple[str, Literal["ltr", "rtl"]]] = {
    "en": ("English", "ltr"),
    "fr": ("Français", "ltr"),
    "es": ("Español", "ltr"),
    "ar": ("العربية", "rtl"),
}
# The cookie that keeps an explicit choice (a year; it says nothing about the person).
LANG_COOKIE = "lang"


def N_(message: str) -> str:
    """Marks a constant for extraction into catalogs; it is translated where it is shown."""
    return message


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of a shipped language (English is the source: no catalog to look up)."""
    if lang == DEFAULT or lang not in LANGUAGES:
        return gettext.NullTranslations()
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@dataclass(frozen=True)
class Texts:
    """The translations of one request, how its language is written, and its formats."""

    translations: gettext.NullTranslations = field(default_factory=gettext.NullTranslations)
    lang: str = DEFAULT
    direction: Literal["ltr", "rtl"] = "ltr"

    def __call__(self, message: str, **values: object) -> str:
        """The translation of `message`, with `%(name)s` placeholders filled from `values`."""
        text = self.translations.gettext(message)
        return text % values if values else text

    def plural(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The form for `n` (`%(num)s` is n), as languages differ in how many forms they have."""
        text = self.translations.ngettext(singular, plural, n)
        return text % {"num": self.count(n), **values}

    @property
    def locale(self) -> Locale:
        return _locale(self.lang)

    def day(self, value: datetime | date | str) -> str:
        """A date as the language writes it in full ("3 March 2026", "3 mars 2026")."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if isinstance(value, datetime):
            value = value.date()
        return format_date(value, format="long", locale=self.locale)

    def count(self, n: int) -> str:
        """A whole number, grouped as the language groups thousands."""
        return format_decimal(n, locale=self.locale)

    def percent(self, share: float) -> str:
        """A share (0 to 1) as a percentage with one decimal."""
        return format_percent(share, format="#,##0.0%", locale=self.locale)

    def size(self, n_bytes: int) -> str:
        """A file size in the language's units (megabytes from one up, else kilobytes)."""
        if n_bytes >= 1024 * 1024:
            return format_unit(
                n_bytes // (1024 * 1024), "digital-megabyte", length="short", locale=self.locale
            )
        return format_unit(
            max(1, n_bytes // 1024), "digital-kilobyte", length="short", locale=self.locale
        )

    def days(self, n: float) -> str:
        """A number of days (medians may fall between two whole days)."""
        pattern = "#,##0" if float(n).is_integer() else "#,##0.0"
        return format_decimal(n, format=pattern, locale=self.locale)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


@cache
def texts_in(lang: str) -> Texts:
    """The Texts of a shipped language (English for any other)."""
    if lang not in LANGUAGES:
        lang = DEFAULT
    return Texts(translations(lang), lang, LANGUAGES[lang][1])


def accepted(header: str | None) -> str | None:
    """The shipped language `Accept-Language` prefers most (by q, then order), if any.
    `fr-CA` matches `fr`; `*` and unknown tags match nothing; a malformed part is skipped."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and 0 < quality <= 1:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def api_language(request: HTTPConnection) -> tuple[str, Callable[[str], str]] | None:
    """For the API: the shipped language other than English that Accept-Language asks for, and
    its lookup (no cookie: a program says what it wants in each request)."""
    lang = accepted(request.headers.get("accept-language"))
    if lang is None or lang == DEFAULT:
        return None
    return lang, translations(lang).gettext


def language_of(request: HTTPConnection) -> str:
    """The request's language: the reader's explicit choice, else Accept-Language, else English."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return accepted(request.headers.get("accept-language")) or DEFAULT


def texts_for(request: HTTPConnection) -> Texts:
    """The Texts of the request's language (negotiated once, kept on the request)."""
    cached = request.scope.get("ombuds.texts")
    if isinstance(cached, Texts):
        return cached
    texts = texts_in(language_of(request))
    request.scope["ombuds.texts"] = texts
    return texts


# What the statistics pages format with before they read a language: English.
_ENGLISH = Texts()


def iso_date(value: datetime | date | str) -> str:
    """A date as YYYY-MM-DD: unambiguous in every language (release periods, computed on)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def count(n: int) -> str:
    return _ENGLISH.count(n)


def percent(share: float) -> str:
    return _ENGLISH.percent(share)


def days(n: float) -> str:
    return _ENGLISH.days(n)
