"""The emails' choices, as the API reads and writes them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.kit.text import Strict

StaffKind = Literal["assigned", "message_from_complainant", "deadline_reminder", "overdue_digest"]


class CaseEmails(BaseModel):
    """Whether the complainant is emailed about this case: `on`; `off` (another channel was
    chosen at filing, or they stopped the emails: from the case page, the API or the one-click
    link in an email); `unavailable` (no email was given with the complaint)."""

    emails: Literal["on", "off", "unavailable"]
    detailed: bool | None = Field(
        description=(
            "On the confidential track: whether the emails name the office, the case's reference "
            "and what happened (the reporter asked for it); by default they say only that there "
            "is an update, from 'the office'. null on the other track, whose emails always do."
        )
    )


class CaseEmailsIn(Strict):
    emails: bool = Field(description="true to receive the emails about this case, false to stop")
    detailed: bool = Field(
        default=None,  # type: ignore[assignment]
        description=(
            "Confidential track only: true for emails that name the office, the reference and "
            "what happened; false for neutral ones. Omit to leave it as it is."
        ),
    )


class EmailPreferences(BaseModel):
    """The kinds of email a staff member does not want (every other kind reaches them), and
    every kind they may turn off."""

    off: list[StaffKind]
    kinds: list[StaffKind]


class EmailPreferencesIn(Strict):
    off: list[StaffKind] = Field(max_length=4, description="the kinds to turn off; [] for all on")
