"""The audit trail's table."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import SQLModel

from app.kit.columns import column, moment, serial, text_field


class AuditEntry(SQLModel, table=True):
    """Who did what to which object, and when. No personal data: ids and codes only.

    Append-only: requests insert entries unsealed; the sealer (app.audit.chain) gives each its
    position in the chain (`seq`) and its HMAC (`hash`) once, and a trigger refuses any other
    UPDATE, any DELETE and TRUNCATE. The partial index on unsealed ids is the only one a request
    pays for.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_entries_unsealed", "id", postgresql_where=sa.text("seq IS NULL")),
        sa.Index(
            "uq_audit_entries_seq",
            "seq",
            unique=True,
            postgresql_where=sa.text("seq IS NOT NULL"),
        ),
    )

    id: int = serial()
    at: datetime = moment(now=True)
    actor_subject: str = text_field()
    actor_role: str = text_field()
    action: str = text_field()
    object_type: str = text_field()
    object_id: str = text_field()
    outcome: str = column(sa.Text, server_default="success")
    seq: int | None = column(sa.BigInteger, nullable=True)
    hash: bytes | None = column(sa.LargeBinary, nullable=True)


class AuditAnchor(SQLModel, table=True):
    """Where the chain now starts: entries past the longest retention, rolled up.

    The entries up to `seq` were verified, then deleted (the trigger allows deleting exactly
    those); the anchor keeps the last one's hash, so the chain goes on verifying from it, and is
    itself sealed with the audit key (`seal`), so nobody without the key can forge one to hide a
    deletion.
    """

    __tablename__ = "audit_anchors"

    seq: int = column(sa.BigInteger, primary_key=True)
    hash: bytes = column(sa.LargeBinary)
    entries: int = column(sa.BigInteger)
    through_at: datetime = moment()
    seal: bytes = column(sa.LargeBinary)
    created_at: datetime = moment(now=True)
