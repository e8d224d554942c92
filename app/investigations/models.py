"""The investigations room's tables and codes."""

from __future__ import annotations

from enum import StrEnum


class StepKind(StrEnum):
    information_request = "information_request"  # to a respondent department, with a due date
    interview = "interview"
    site_visit = "site_visit"
    evidence = "evidence"
