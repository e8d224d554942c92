"""The messages room's tables and codes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import SQLModel

from app.kit.columns import (
    code,
    code_domain,
    column,
    complaint_ref,
    moment,
    serial,
    text_field,
)


class MessageKind(StrEnum):
    from_complainant = "from_complainant"
    to_complainant = "to_complainant"
    internal_note = "internal_note"  # staff only, never shown to the complainant


MESSAGE_KIND = code_domain("message_kind", list(MessageKind))


class Message(SQLModel, table=True):
    """The thread between the complainant and the office, and the office's internal notes."""

    __tablename__ = "messages"
    __table_args__ = (
        sa.Index("ix_messages_complaint", "complaint_id", "id"),
        sa.Index("ix_messages_search", "search", postgresql_using="gin"),
        sa.Index("ix_messages_complaint_received", "complaint_received_at"),
    )

    id: int = serial()
    complaint_id: uuid.UUID = complaint_ref()
    kind: str = code(MESSAGE_KIND)
    body: str = text_field()
    author_subject: str = text_field()
    author_role: str = text_field()
    created_at: datetime = moment(now=True)
    # Full-text search (app/search): the body in its complaint's language, set by a trigger
    # (a generated column cannot read the complaint), so every write and erasure of it follows.
    search: str | None = column(pg.TSVECTOR, nullable=True)
    # Its complaint's received_at, set by the same trigger, so search can ask the GIN index for
    # the messages of one period of receipt (app/search/queries.py PERIODS; migration 0033).
    complaint_received_at: datetime = moment()
