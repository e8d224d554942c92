"""The findings room's tables and codes."""

from __future__ import annotations

from enum import StrEnum


class FindingOutcome(StrEnum):
    violation_found = "violation_found"
    partially_founded = "partially_founded"
    no_violation = "no_violation"
    not_substantiated = "not_substantiated"
    settled = "settled"  # friendly settlement
