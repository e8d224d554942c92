"""The hearings room's tables and codes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import SQLModel

from app.kit.columns import code, code_domain, column, complaint_ref, moment, serial, text_field


class HearingMode(StrEnum):
    in_person = "in_person"
    online = "online"
    hybrid = "hybrid"


class HearingStatus(StrEnum):
    scheduled = "scheduled"
    held = "held"
    cancelled = "cancelled"


HEARING_MODE = code_domain("hearing_mode", list(HearingMode))
HEARING_STATUS = code_domain("hearing_status", list(HearingStatus))


class Hearing(SQLModel, table=True):
    """A hearing: when, where or online, who takes part and what they need; its minutes stay
    internal, its outcome is shared with the complainant."""

    __tablename__ = "hearings"
    __table_args__ = (
        sa.CheckConstraint("mode = 'online' OR location IS NOT NULL", "location_unless_online"),
        sa.CheckConstraint("mode = 'in_person' OR online_url IS NOT NULL", "url_unless_in_person"),
        sa.CheckConstraint("status <> 'held' OR minutes IS NOT NULL", "held_has_minutes"),
        sa.Index("ix_hearings_complaint", "complaint_id", "id"),
    )

    id: int = serial()
    complaint_id: uuid.UUID = complaint_ref()
    scheduled_at: datetime = moment()
    mode: str = code(HEARING_MODE)
    location: str | None = text_field(nullable=True)
    online_url: str | None = text_field(nullable=True)
    participants: list[dict[str, str]] = column(pg.JSONB)
    status: str = code(HEARING_STATUS)
    minutes: str | None = text_field(nullable=True)
    outcome: str | None = text_field(nullable=True)
    created_by: str = text_field()
    created_at: datetime = moment(now=True)
    updated_at: datetime = moment(now=True)
