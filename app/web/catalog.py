"""Extraction of the words that are data into the catalogs (`make catalogs`, through babel.cfg):
the taxonomy's labels and explanations, and the titles of the API's problem documents.

The taxonomy is data (app/taxonomy.py): its labels and explanations are plain strings in tables,
not calls that an extractor could find. This extractor reads the tables themselves, so every
right, ground, characteristic and track is in every catalog and a test notices when a new code
comes without its translations.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from app import taxonomy
from app.kit.errors import AppError


def taxonomy_messages() -> list[str]:
    """Every word of the taxonomy a page or the API shows, in a stable order."""
    words: list[str] = list(taxonomy.TRACK_LABELS.values())
    for right in taxonomy.RIGHTS:
        words += [right.label, right.description]
    words += list(taxonomy.DISCRIMINATION_GROUNDS.values())
    words += list(getattr(taxonomy, "GROUND_DESCRIPTIONS", {}).values())
    for values in taxonomy.CHARACTERISTICS.values():
        words += list(values.values())
    seen: dict[str, None] = {}
    for word in words:
        if word:
            seen.setdefault(word, None)
    return list(seen)


def problem_titles() -> list[str]:
    """The title of every refusal the API and the pages can make (every AppError subclass, once
    the app's modules are imported)."""
    import app.main  # noqa: F401 - loads every room, so every refusal class is defined

    found: dict[str, None] = {}
    pending: list[type[AppError]] = [AppError]
    while pending:
        cls = pending.pop()
        found.setdefault(cls.title, None)
        pending += cls.__subclasses__()
    return sorted(found)


def extract_taxonomy(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extraction interface: (line, function, message, comments) for each word."""
    for message in taxonomy_messages():
        yield 0, None, message, ["taxonomy"]
    for title in problem_titles():
        yield 0, None, title, ["problem title"]
