"""The outbox's table."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import SQLModel

from app.kit.columns import code, code_domain, column, moment, serial, text_field

OUTBOX_STATUS = code_domain("outbox_status", ["pending", "delivered", "dead"])


class OutboxEvent(SQLModel, table=True):
    """An anonymized event for the monitoring module, written in the transaction of the change.

    `complaint_id` is internal: it tells the statistics folder which complaint changed and is
    cleared once folded; it is never part of what is delivered (the payload is).
    """

    __tablename__ = "outbox_events"
    __table_args__ = (
        sa.Index(
            "ix_outbox_events_due",
            "next_attempt_at",
            "id",
            postgresql_where=sa.text("status = 'pending'"),
        ),
        sa.Index(
            "ix_outbox_events_unfolded",
            "complaint_id",
            postgresql_where=sa.text("complaint_id IS NOT NULL"),
        ),
    )

    id: int = serial()
    type: str = text_field()
    payload: dict[str, object] = column(pg.JSONB)
    created_at: datetime = moment(now=True)
    complaint_id: uuid.UUID | None = column(pg.UUID(as_uuid=True), nullable=True)
    status: str = code(OUTBOX_STATUS, server_default="pending")
    attempts: int = column(sa.Integer, server_default="0")
    next_attempt_at: datetime = moment(now=True)
    last_error: str | None = text_field(nullable=True)
    delivered_at: datetime | None = moment(nullable=True)
