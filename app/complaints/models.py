"""The complaints room's tables: the case, what the complainant gave (sealed or kept apart),
recusals, redactions, classifications and the timeline."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import SQLModel

from app.complaints.workflow import Action, Status
from app.kit.columns import (
    code,
    code_domain,
    column,
    complaint_ref,
    key,
    moment,
    serial,
    text_field,
    texts,
)
from app.kit.trail import CaseEvent
from app.search.models import config_of
from app.taxonomy import Track

reference_seq = sa.Sequence("complaint_reference_seq", metadata=SQLModel.metadata)
STATUS = code_domain("complaint_status", Status)
TRACK = code_domain("complaint_track", Track)
TIMELINE_ACTION = code_domain("timeline_action", [*Action, *CaseEvent])
RECUSAL_KIND = code_domain("recusal_kind", ["declared", "excluded"])
ORIGIN = code_domain("complaint_origin", ["complaint", "own_initiative"])
REDACTABLE_FIELD = code_domain(
    "redactable_field", ["summary", "description", "remedy_sought", "incident_location"]
)


class Complaint(SQLModel, table=True):
    __tablename__ = "complaints"
    __table_args__ = (
        sa.CheckConstraint(
            "incident_to IS NULL OR incident_from IS NULL OR incident_to >= incident_from",
            "incident_period",
        ),
        sa.CheckConstraint("octet_length(receipt_hash) = 32", "receipt_hash_length"),
        # A complaint has a complainant holding a receipt; an own-initiative inquiry has neither.
        sa.CheckConstraint(
            "(origin = 'complaint') = (receipt_hash IS NOT NULL)", "receipt_iff_complaint"
        ),
        sa.Index(
            "ix_complaints_track_received", "track", sa.text("received_at DESC"), sa.text("id DESC")
        ),
        sa.Index(
            "ix_complaints_ack_pending",
            "track",
            "acknowledge_by",
            postgresql_where=sa.text("acknowledged_at IS NULL"),
        ),
        sa.Index(
            "ix_complaints_feedback_pending",
            "track",
            "feedback_by",
            postgresql_where=sa.text("feedback_given_at IS NULL"),
        ),
        sa.Index(
            "ix_complaints_decision_pending",
            "track",
            "decide_by",
            postgresql_where=sa.text("decided_at IS NULL AND decide_by IS NOT NULL"),
        ),
        sa.Index(
            "ix_complaints_handler",
            "handler_subject",
            sa.text("received_at DESC"),
            sa.text("id DESC"),
            postgresql_where=sa.text("handler_subject IS NOT NULL"),
        ),
        sa.Index(
            "ix_complaints_complainant_subject",
            "complainant_subject",
            postgresql_where=sa.text("complainant_subject IS NOT NULL"),
        ),
        # Open cases by their last change: the deadlines view's stale cases.
        sa.Index(
            "ix_complaints_open_updated",
            "updated_at",
            postgresql_where=sa.text(
                "status NOT IN ('inadmissible', 'referred', 'closed', 'withdrawn')"
            ),
        ),
        # What the purge looks for: expired, not held (no entry while a case is open).
        sa.Index(
            "ix_complaints_retention",
            "retention_until",
            postgresql_where=sa.text("retention_until IS NOT NULL AND legal_hold_at IS NULL"),
        ),
        sa.Index("ix_complaints_search", "search", postgresql_using="gin"),
    )

    id: uuid.UUID = column(
        pg.UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()")
    )
    reference: str = column(sa.Text, unique=True)
    receipt_hash: bytes | None = column(sa.LargeBinary, nullable=True)
    origin: str = code(ORIGIN, server_default=sa.text("'complaint'"))
    track: str = code(TRACK)
    status: str = code(STATUS)
    version: int = column(sa.Integer, server_default="1")
    summary: str = text_field()
    description: str = text_field()
    rights_affected: list[str] = texts()
    discrimination_grounds: list[str] = column(pg.ARRAY(sa.Text), server_default="{}")
    respondent: str | None = text_field(nullable=True)
    incident_from: date | None = column(sa.Date, nullable=True)
    incident_to: date | None = column(sa.Date, nullable=True)
    incident_location: str | None = text_field(nullable=True)
    remedy_sought: str = text_field()
    language: str = text_field()
    # Full-text search (app/search): summary and description in the complaint's language; being
    # generated, it follows every redaction and erasure of the text.
    search: str | None = column(
        pg.TSVECTOR,
        sa.Computed(f"to_tsvector({config_of('language')}, summary || ' ' || description)"),
        nullable=True,
    )
    anonymous: bool = column(sa.Boolean)
    # Emails about the case (app/notifications): NULL when the complainant gave no email, true
    # while they are emailed, false when they chose another channel or stopped the emails.
    email_updates: bool | None = column(sa.Boolean, nullable=True)
    # On the confidential track: the reporter asked that the emails say what happened, with the
    # office's name and the reference (by default only "an update", from "the office").
    email_detailed: bool = column(sa.Boolean, server_default=sa.false())
    complainant_subject: str | None = text_field(nullable=True)
    # Anti-corruption track: the reporter's pseudonym ("Reporter 3F9A1C", keyed on the case), the
    # name under which everything the reporter does on the case is recorded and shown.
    reporter_alias: str | None = text_field(nullable=True)
    handler_subject: str | None = text_field(nullable=True)
    received_at: datetime = moment(now=True)
    acknowledge_by: datetime = moment()
    acknowledged_at: datetime | None = moment(nullable=True)
    feedback_by: datetime = moment()
    feedback_given_at: datetime | None = moment(nullable=True)
    decide_by: datetime | None = moment(nullable=True)
    decided_at: datetime | None = moment(nullable=True)
    referred_to: str | None = text_field(nullable=True)
    # The respondent as one of the configured departments (OMBUDS_DEPARTMENTS), or NULL: the
    # code statistics and monitoring events use, never the free text.
    department: str | None = text_field(nullable=True)
    # When the case first reached investigation, and when it last finished (a terminal state;
    # cleared by a reopening): what the statistics measure durations and shares from.
    investigated_at: datetime | None = moment(nullable=True)
    finished_at: datetime | None = moment(nullable=True)
    # Set when the case finishes (OMBUDS_RETENTION_YEARS by track and outcome); past it, the
    # purge removes the case with everything attached, unless a legal hold is set.
    retention_until: datetime | None = moment(nullable=True)
    legal_hold_reason: str | None = text_field(nullable=True)
    legal_hold_by: str | None = text_field(nullable=True)
    legal_hold_at: datetime | None = moment(nullable=True)
    # A retaliation report links to the report it retaliates against (art. 19, 21(5)).
    retaliation_against: uuid.UUID | None = column(
        pg.UUID(as_uuid=True), sa.ForeignKey("complaints.id", ondelete="SET NULL"), nullable=True
    )
    priority: bool = column(sa.Boolean, server_default=sa.false())
    updated_at: datetime = moment(now=True)


class ComplainantContact(SQLModel, table=True):
    """Who filed and how to reach them: kept apart from the case record and sealed (AES-256-GCM,
    app.crypto) under the identity key `key_id`; the database never holds them in clear."""

    __tablename__ = "complainant_contacts"

    complaint_id: uuid.UUID = complaint_ref(primary_key=True)
    key_id: str = text_field()
    sealed: bytes = column(sa.LargeBinary)


class NamedPersons(SQLModel, table=True):
    """People the report names (witnesses, officials concerned), sealed like the complainant's
    contact details (EU Directive 2019/1937 art. 9(1)(a), 16: third parties are protected too)."""

    __tablename__ = "named_persons"

    complaint_id: uuid.UUID = complaint_ref(primary_key=True)
    key_id: str = text_field()
    sealed: bytes = column(sa.LargeBinary)


class ComplainantCharacteristics(SQLModel, table=True):
    """Self-identified characteristics (special-category data, GDPR art. 9), sealed like contact
    details (AES-256-GCM, bound to the complaint): opened only by the statistics fold, which
    counts them in aggregate, and by the data subject's own export."""

    __tablename__ = "complainant_characteristics"

    complaint_id: uuid.UUID = complaint_ref(primary_key=True)
    key_id: str = text_field()
    sealed: bytes = column(sa.LargeBinary)


class Recusal(SQLModel, table=True):
    """A person kept away from a complaint: a declared conflict of interest, or an exclusion by
    the head of office. From then on the complaint is out of their reach everywhere."""

    __tablename__ = "recusals"

    complaint_id: uuid.UUID = complaint_ref(primary_key=True)
    subject: str = key()
    kind: str = code(RECUSAL_KIND)
    reason: str = text_field()
    recorded_by: str = text_field()
    recorded_at: datetime = moment(now=True)


class Redaction(SQLModel, table=True):
    """Personal data found manifestly irrelevant, removed from a report (art. 17): the record
    says where, why, by whom and how often; never what was removed."""

    __tablename__ = "redactions"
    __table_args__ = (sa.Index("ix_redactions_complaint", "complaint_id", "id"),)

    id: int = serial()
    complaint_id: uuid.UUID = complaint_ref()
    field: str = code(REDACTABLE_FIELD)
    occurrences: int = column(sa.Integer)
    reason: str = text_field()
    redacted_by: str = text_field()
    redacted_at: datetime = moment(now=True)


class Classification(SQLModel, table=True):
    """A change of the rights affected and discrimination grounds a case is classified under (a
    complaint filed with none known is classified during assessment): the codes before and after,
    who changed them, when. Codes only, so it stays after an erasure as the case's codes do; the
    audit entry written by the same statement names the case."""

    __tablename__ = "classifications"
    __table_args__ = (sa.Index("ix_classifications_complaint", "complaint_id", "id"),)

    id: int = serial()
    complaint_id: uuid.UUID = complaint_ref()
    rights_before: list[str] = texts()
    rights_after: list[str] = texts()
    grounds_before: list[str] = texts()
    grounds_after: list[str] = texts()
    classified_by: str = text_field()
    classified_at: datetime = moment(now=True)


class TimelineEntry(SQLModel, table=True):
    __tablename__ = "timeline_entries"
    __table_args__ = (sa.Index("ix_timeline_entries_complaint", "complaint_id", "id"),)

    id: int = serial()
    complaint_id: uuid.UUID = complaint_ref()
    at: datetime = moment(now=True)
    actor_subject: str = text_field()
    actor_role: str = text_field()
    action: str = code(TIMELINE_ACTION)
    from_status: str | None = code(STATUS, nullable=True)
    to_status: str = code(STATUS)
    reason: str | None = text_field(nullable=True)
    visible_to_complainant: bool = column(sa.Boolean)
    # The person an assignment or recusal entry concerns (staff-only entries).
    about_subject: str | None = text_field(nullable=True)
