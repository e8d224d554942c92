"""The hearings room's tables and codes."""

from __future__ import annotations

from enum import StrEnum


class HearingMode(StrEnum):
    in_person = "in_person"
    online = "online"
    hybrid = "hybrid"


class HearingStatus(StrEnum):
    scheduled = "scheduled"
    held = "held"
    cancelled = "cancelled"
