"""Extraction of the taxonomy's words into the catalogs (`make catalogs`, through babel.cfg).

The taxonomy is data (app/taxonomy.py): its labels and explanations are plain strings in tables,
not calls that an extractor could find. This extractor reads the tables themselves, so every
right, ground, characteristic and track is in every catalog and a test notices when a new code
comes without its translations.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from app import taxonomy


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


def extract_taxonomy(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extraction interface: (line, function, message, comments) for each word."""
    for message in taxonomy_messages():
        yield 0, None, message, ["taxonomy"]
