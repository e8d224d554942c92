"""The column shapes every table is built from (app/*/models.py), so a table reads as its list
of columns. Each returns a SQLModel field; nullable columns default to None."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import Field, SQLModel

# Constraint and index names PostgreSQL shows in errors and migrations compare: set before any
# table is declared (every app/*/models.py imports this module first).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def code_domain(name: str, values: Iterable[object]) -> pg.DOMAIN:
    """A text domain restricted to a code list.

    Domains rather than table CHECK constraints: PostgreSQL prepares a domain's check once per
    connection, but a table's checks again for every INSERT statement; on the filing path that
    was a sixth of the database's work.
    """
    quoted = ", ".join(f"'{v}'" for v in sorted(str(v) for v in values))
    return pg.DOMAIN(name, sa.Text(), check=f"VALUE IN ({quoted})", create_type=False)


def column(kind: Any, *args: Any, nullable: bool = False, **kw: Any) -> Any:
    """Any column: `column(sa.Integer, server_default="0")`."""
    col = sa.Column(kind, *args, nullable=nullable, **kw)
    return Field(default=None, sa_column=col) if nullable else Field(sa_column=col)


def text_field(*, nullable: bool = False, **kw: Any) -> Any:
    return column(sa.Text, nullable=nullable, **kw)


def code(domain: pg.DOMAIN, *, nullable: bool = False, **kw: Any) -> Any:
    """A column holding one code of `domain`."""
    return column(domain, nullable=nullable, **kw)


def moment(*, nullable: bool = False, now: bool = False, default: str | None = None) -> Any:
    """A UTC timestamp (`timestamptz`); `now=True` defaults to the transaction's time."""
    server_default = sa.text(default or "now()") if now or default else None
    return column(sa.DateTime(timezone=True), nullable=nullable, server_default=server_default)


def serial() -> Any:
    """A bigint primary key the database numbers."""
    return column(sa.BigInteger, sa.Identity(always=True), primary_key=True)


def uuid_key() -> Any:
    return column(pg.UUID(as_uuid=True), primary_key=True)


def complaint_ref(*, primary_key: bool = False) -> Any:
    """The complaint a row belongs to; it goes with the complaint (a purge, an erasure)."""
    fk = sa.ForeignKey("complaints.id", ondelete="CASCADE")
    return column(pg.UUID(as_uuid=True), fk, primary_key=primary_key)


def reference(target: str, kind: Any = sa.BigInteger) -> Any:
    """A row of another table this one belongs to, removed with it."""
    return column(kind, sa.ForeignKey(target, ondelete="CASCADE"))


def texts() -> Any:
    """A list of codes (`text[]`)."""
    return column(pg.ARRAY(sa.Text))


def counter(kind: Any = sa.Integer) -> Any:
    return column(kind, server_default="0")


def histogram() -> Any:
    """Fixed duration buckets (app.statistics): null where nothing was counted."""
    return column(pg.ARRAY(sa.Integer), nullable=True)


def key(kind: Any = sa.Text) -> Any:
    """Part of a composite primary key."""
    return column(kind, primary_key=True)
