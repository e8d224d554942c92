"""The notifications' table: one row per email to send, written with the change it tells of."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import SQLModel

from app.kit.columns import code, code_domain, column, moment, serial, text_field

# `withheld`: not sent on purpose (the kind turned off, the recipient opted out, no address).
NOTIFICATION_STATUS = code_domain("notification_status", ["pending", "sent", "dead", "withheld"])


class Notification(SQLModel, table=True):
    """An email to send: its kind (what happened), the case it is about, and to whom, by role
    and reference only (`complainant`: the address is unsealed from the case's contact in the
    worker, at send time; `staff:<subject>`: the staff directory; `department:<name>`: the
    configured department addresses). Nothing of the case's content is kept here."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index(
            "ix_notifications_due",
            "next_attempt_at",
            "id",
            postgresql_where=sa.text("status = 'pending'"),
        ),
        sa.Index("ix_notifications_complaint", "complaint_id"),
    )

    id: int = serial()
    kind: str = text_field()
    complaint_id: uuid.UUID | None = column(
        pg.UUID(as_uuid=True), sa.ForeignKey("complaints.id", ondelete="CASCADE"), nullable=True
    )
    recipient: str = text_field()
    language: str = text_field(server_default="en")
    # A reminder is sent once per deadline and recipient, however many workers look for it.
    dedupe: str | None = text_field(nullable=True, unique=True)
    # A reminder's deadline (its kind, as in the deadlines view) and when it is due.
    deadline: str | None = text_field(nullable=True)
    due_at: datetime | None = moment(nullable=True)
    status: str = code(NOTIFICATION_STATUS, server_default="pending")
    attempts: int = column(sa.Integer, server_default="0")
    next_attempt_at: datetime = moment(now=True)
    last_error: str | None = text_field(nullable=True)
    created_at: datetime = moment(default="clock_timestamp()")
    sent_at: datetime | None = moment(nullable=True)
