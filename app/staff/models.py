"""The staff directory's table."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import SQLModel

from app.kit.columns import column, key, moment, text_field, texts


class StaffMember(SQLModel, table=True):
    """A person who signed in to the console (or was entered from the command line): the name
    and email the identity provider gave, the roles and department of their last sign-in. Never
    a complainant: residents and receipt holders are not kept here."""

    __tablename__ = "staff"

    subject: str = key()
    name: str | None = text_field(nullable=True)
    email: str | None = text_field(nullable=True)
    roles: list[str] = texts()
    department: str | None = text_field(nullable=True)
    # Set from the command line: a sign-in does not overwrite it with the provider's claims.
    pinned: bool = column(sa.Boolean, server_default=sa.false())
    # The kinds of notification this member turned off for themselves (app.kit.notify.KINDS).
    emails_off: list[str] = column(pg.ARRAY(sa.Text), server_default=sa.text("'{}'::text[]"))
    # The console's language at their last sign-in: their emails are written in it.
    language: str | None = text_field(nullable=True)
    first_seen: datetime = moment(now=True)
    last_seen: datetime = moment(now=True)
