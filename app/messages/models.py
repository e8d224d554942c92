"""The messages room's tables and codes."""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    from_complainant = "from_complainant"
    to_complainant = "to_complainant"
    internal_note = "internal_note"  # staff only, never shown to the complainant
