"""The emails' choices, as the API reads and writes them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.kit.text import Strict

StaffKind = Literal["assigned", "message_from_complainant", "deadline_reminder", "overdue_digest"]


class CaseEmails(BaseModel):
    """Whether the complainant is emailed about this case: `on`; `off` (they stopped the emails:
    from the case page, the API or the one-click link in an email); `unavailable` (no email
    was given with the complaint, or another channel was chosen: the office does not email)."""

    emails: Literal["on", "off", "unavailable"]


class CaseEmailsIn(Strict):
    emails: bool = Field(description="true to receive the emails about this case, false to stop")


class EmailPreferences(BaseModel):
    """The kinds of email a staff member does not want (every other kind reaches them), and
    every kind they may turn off."""

    off: list[StaffKind]
    kinds: list[StaffKind]


class EmailPreferencesIn(Strict):
    off: list[StaffKind] = Field(max_length=4, description="the kinds to turn off; [] for all on")
