"""The outbox's table."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import SQLModel

from app.kit.columns import code, code_domain, column, moment, serial, text_field

OUTBOX_STATUS = code_domain("outbox_status", ["pending", "delivered", "dead"])


class OutboxEvent(SQLModel, table=True):
    """A message for the monitoring module (a statistics release), written in the transaction
    that publishes it and delivered by the worker. Per-case changes never come here: they stay
    inside the service (`stat_changes`), so nothing pushed describes one case."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        sa.Index(
            "ix_outbox_events_due",
            "next_attempt_at",
            "id",
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )

    id: int = serial()
    type: str = text_field()
    payload: dict[str, object] = column(pg.JSONB)
    created_at: datetime = moment(now=True)
    status: str = code(OUTBOX_STATUS, server_default="pending")
    attempts: int = column(sa.Integer, server_default="0")
    next_attempt_at: datetime = moment(now=True)
    last_error: str | None = text_field(nullable=True)
    delivered_at: datetime | None = moment(nullable=True)
