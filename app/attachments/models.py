"""The attachments room's table."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import SQLModel

from app.kit.columns import code, code_domain, column, complaint_ref, moment, text_field, uuid_key

ATTACHMENT_PARENT = code_domain("attachment_parent", ["complaint", "message", "step"])


class Attachment(SQLModel, table=True):
    """A file on a complaint, a message or an investigation step. The bytes live in storage
    (app.attachments.storage); the row holds what is needed to serve and verify them."""

    __tablename__ = "attachments"
    __table_args__ = (
        sa.CheckConstraint("(parent = 'complaint') = (parent_id IS NULL)", "parent_id_iff_child"),
        sa.CheckConstraint("octet_length(sha256) = 32", "sha256_length"),
        sa.Index("ix_attachments_complaint", "complaint_id", "created_at"),
    )

    id: uuid.UUID = uuid_key()
    complaint_id: uuid.UUID = complaint_ref()
    parent: str = code(ATTACHMENT_PARENT)
    parent_id: int | None = column(sa.BigInteger, nullable=True)
    filename: str = text_field()
    content_type: str = text_field()
    size_bytes: int = column(sa.BigInteger)
    sha256: bytes = column(sa.LargeBinary)
    visible_to_complainant: bool = column(sa.Boolean)
    uploaded_by: str = text_field()
    uploaded_role: str = text_field()
    created_at: datetime = moment(now=True)
