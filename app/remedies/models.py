"""The remedies room's tables and codes."""

from __future__ import annotations

from enum import StrEnum


# UN Basic Principles on the Right to a Remedy and Reparation (2005), the five forms.
class RemedyForm(StrEnum):
    restitution = "restitution"
    compensation = "compensation"
    rehabilitation = "rehabilitation"
    satisfaction = "satisfaction"
    guarantee_of_non_repetition = "guarantee_of_non_repetition"


class RemedyResponse(StrEnum):
    accepted = "accepted"
    rejected = "rejected"


class RemedyAssessment(StrEnum):
    implemented = "implemented"
    partially_implemented = "partially_implemented"
    not_implemented = "not_implemented"
