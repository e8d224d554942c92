"""The statistics aggregate's tables."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import SQLModel

from app.kit.columns import (
    column,
    counter,
    histogram,
    key,
    moment,
    serial,
    text_field,
    texts,
    uuid_key,
)


class StatFact(SQLModel, table=True):
    """What the statistics last counted for one complaint: the folder subtracts it and adds the
    complaint's current facts, so the aggregate stays exact without rescanning anything."""

    __tablename__ = "stat_facts"

    complaint_id: uuid.UUID = uuid_key()
    month: date = column(sa.Date)
    track: str = text_field()
    origin: str = text_field()
    status: str = text_field()
    rights: list[str] = texts()
    grounds: list[str] = texts()
    department: str = text_field()
    outcome: str = text_field()
    # The characteristics counted, as sealed on the case (a copy: the fold opens it to subtract
    # them, even after the case's own copy was erased). Never in clear.
    traits_key: str | None = text_field(nullable=True)
    traits_sealed: bytes | None = column(sa.LargeBinary, nullable=True)
    finished_month: date | None = column(sa.Date, nullable=True)
    outside_mandate: int = counter()
    investigated: int = counter()
    finished: int = counter()
    ack_settled: int = counter()
    ack_on_time: int = counter()
    feedback_settled: int = counter()
    feedback_on_time: int = counter()
    decided: int = counter()
    decided_on_time: int = counter()
    remedies_recommended: int = counter()
    remedies_responded: int = counter()
    remedies_implemented: int = counter()
    days_to_ack: int | None = column(sa.Integer, nullable=True)
    days_to_findings: int | None = column(sa.Integer, nullable=True)
    days_to_finish: int | None = column(sa.Integer, nullable=True)


class StatCell(SQLModel, table=True):
    """The statistics aggregate: per month of receipt and track, the sums of the facts of every
    complaint in a cell (no dimension, one dimension value, or a pair of them). Durations are
    histograms (fixed buckets) on the one-dimension cells, so medians stay exact to the bucket
    and reading them costs the same at any volume."""

    __tablename__ = "stat_cells"

    dim_a: str = key()
    dim_b: str = key()
    month: date = key(sa.Date)
    track: str = key()
    val_a: str = key()
    val_b: str = key()
    n: int = counter(sa.BigInteger)
    own_initiative: int = counter(sa.BigInteger)
    outside_mandate: int = counter(sa.BigInteger)
    investigated: int = counter(sa.BigInteger)
    finished: int = counter(sa.BigInteger)
    ack_settled: int = counter(sa.BigInteger)
    ack_on_time: int = counter(sa.BigInteger)
    feedback_settled: int = counter(sa.BigInteger)
    feedback_on_time: int = counter(sa.BigInteger)
    decided: int = counter(sa.BigInteger)
    decided_on_time: int = counter(sa.BigInteger)
    remedies_recommended: int = counter(sa.BigInteger)
    remedies_responded: int = counter(sa.BigInteger)
    remedies_implemented: int = counter(sa.BigInteger)
    ack_hist: list[int] | None = histogram()
    findings_hist: list[int] | None = histogram()
    finish_hist: list[int] | None = histogram()


class StatHistRollup(SQLModel, table=True):
    """Duration histograms of the one-way cells summed by quarter and by year of receipt, so a
    long range reads a handful of rows per group instead of one per month."""

    __tablename__ = "stat_hist_rollups"

    dim: str = key()
    unit: str = key()
    period: date = key(sa.Date)
    track: str = key()
    val: str = key()
    ack_hist: list[int] | None = histogram()
    findings_hist: list[int] | None = histogram()
    finish_hist: list[int] | None = histogram()


class PrivacyBudget(SQLModel, table=True):
    """Differential-privacy budget spent per consumer (a monitor's or a head's subject) and
    calendar month: one consumer spending theirs leaves the others' untouched."""

    __tablename__ = "privacy_budgets"
    __table_args__ = (sa.CheckConstraint("spent >= 0", "spent_not_negative"),)

    consumer: str = key()
    period: str = key()
    spent: float = column(sa.Float, server_default="0")
    releases: int = column(sa.Integer, server_default="0")


class StatChange(SQLModel, table=True):
    """A complaint changed: the fold recounts it, then deletes the row. Written in the statement
    making the change; never delivered anywhere (nothing pushed describes one case)."""

    __tablename__ = "stat_changes"

    id: int = serial()
    complaint_id: uuid.UUID = column(pg.UUID(as_uuid=True), index=True)
    kind: str = text_field()
    created_at: datetime = moment(now=True)


class StatisticsRelease(SQLModel, table=True):
    """A frozen, numbered, signed release of a closed period (insert-only: a trigger refuses
    UPDATE and DELETE). `published` is what is served and signed (`document`, its canonical
    JSON, is served as it is: reading a release is a lookup); `truth` holds the exact counts of
    its cells, never served: later releases are checked jointly against them."""

    __tablename__ = "statistics_releases"
    __table_args__ = (
        sa.UniqueConstraint("period", "version"),
        sa.CheckConstraint("unit IN ('month', 'quarter', 'year')", "unit"),
        sa.CheckConstraint(
            "(version = 1) = (supersedes IS NULL) AND (version = 1 OR reason IS NOT NULL)",
            "revision_has_reason",
        ),
    )

    id: int = serial()
    period: str = text_field()
    unit: str = text_field()
    version: int = column(sa.Integer)
    first_month: date = column(sa.Date)
    last_month: date = column(sa.Date)
    computed_at: datetime = moment(now=True)
    supersedes: int | None = column(
        sa.BigInteger, sa.ForeignKey("statistics_releases.id"), nullable=True
    )
    reason: str | None = text_field(nullable=True)
    published: dict[str, object] = column(pg.JSONB)
    document: str = text_field()  # `published` as served: canonical JSON, signature included
    truth: dict[str, object] = column(pg.JSONB)
    digest: str = text_field()
    signature: str = text_field()
    key_id: str = text_field()
