"""The schema, as SQLModel tables. Alembic migrations are checked against this metadata.

Queries on the hot paths are written as SQL (app.complaints.queries); these classes are the one
description of the tables, their constraints and their indexes.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import Field, SQLModel

from app.complaints.workflow import Action, Status
from app.findings.models import FindingOutcome
from app.hearings.models import HearingMode, HearingStatus
from app.investigations.models import StepKind
from app.kit.trail import CaseEvent
from app.messages.models import MessageKind
from app.remedies.models import RemedyAssessment, RemedyForm, RemedyResponse
from app.taxonomy import CHARACTERISTICS, Track

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

reference_seq = sa.Sequence("complaint_reference_seq", metadata=SQLModel.metadata)


def _in(column: str, values: object) -> str:
    quoted = ", ".join(f"'{v}'" for v in sorted(str(v) for v in values))  # type: ignore[attr-defined]
    return f"{column} IN ({quoted})"


def _domain(name: str, values: object) -> pg.DOMAIN:
    """A text domain restricted to a code list.

    Domains rather than table CHECK constraints: PostgreSQL prepares a domain's check once per
    connection, but a table's checks again for every INSERT statement; on the filing path that
    was a sixth of the database's work.
    """
    return pg.DOMAIN(name, sa.Text(), check=_in("VALUE", values), create_type=False)


STATUS = _domain("complaint_status", Status)
TRACK = _domain("complaint_track", Track)
TIMELINE_ACTION = _domain("timeline_action", [*Action, *CaseEvent])
RECUSAL_KIND = _domain("recusal_kind", ["declared", "excluded"])
MESSAGE_KIND = _domain("message_kind", list(MessageKind))
STEP_KIND = _domain("step_kind", list(StepKind))
FINDING_OUTCOME = _domain("finding_outcome", list(FindingOutcome))
REMEDY_FORM = _domain("remedy_form", list(RemedyForm))
REMEDY_RESPONSE = _domain("remedy_response", list(RemedyResponse))
REMEDY_ASSESSMENT = _domain("remedy_assessment", list(RemedyAssessment))
REMEDY_REPORT_KIND = _domain("remedy_report_kind", ["progress", "implemented"])
HEARING_MODE = _domain("hearing_mode", list(HearingMode))
ORIGIN = _domain("complaint_origin", ["complaint", "own_initiative"])
MEDIATION_RESULT = _domain("mediation_result", ["settled", "failed"])
ATTACHMENT_PARENT = _domain("attachment_parent", ["complaint", "message", "step"])
REVEAL_STATUS = _domain("reveal_status", ["pending", "approved", "refused"])
PROTECTION_MEASURE = _domain(
    "protection_measure", ["relocation_support", "legal_aid", "psychosocial_support"]
)
MEASURE_STATUS = _domain("measure_status", ["requested", "granted", "refused"])
RECORD_KIND = _domain("record_kind", ["oral_report", "meeting"])
RECORD_STATUS = _domain("record_status", ["awaiting_reporter", "approved", "corrected"])
REDACTABLE_FIELD = _domain(
    "redactable_field", ["summary", "description", "remedy_sought", "incident_location"]
)
HEARING_STATUS = _domain("hearing_status", list(HearingStatus))
OUTBOX_STATUS = _domain("outbox_status", ["pending", "delivered", "dead"])
ERASURE_STATUS = _domain("erasure_status", ["pending", "executed", "refused"])
# GDPR art. 17(3): the grounds on which an erasure may be refused.
ERASURE_GROUND = _domain(
    "erasure_ground",
    ["legal_obligation", "public_interest", "archiving_or_statistics", "legal_claims"],
)
CHARACTERISTIC = {name: _domain(f"{name}_option", opts) for name, opts in CHARACTERISTICS.items()}
DOMAINS = [
    STATUS,
    TRACK,
    TIMELINE_ACTION,
    RECUSAL_KIND,
    MESSAGE_KIND,
    STEP_KIND,
    FINDING_OUTCOME,
    REMEDY_FORM,
    REMEDY_RESPONSE,
    REMEDY_ASSESSMENT,
    REMEDY_REPORT_KIND,
    HEARING_MODE,
    HEARING_STATUS,
    ORIGIN,
    MEDIATION_RESULT,
    ATTACHMENT_PARENT,
    REVEAL_STATUS,
    PROTECTION_MEASURE,
    MEASURE_STATUS,
    REDACTABLE_FIELD,
    RECORD_KIND,
    RECORD_STATUS,
    OUTBOX_STATUS,
    ERASURE_STATUS,
    ERASURE_GROUND,
    *CHARACTERISTIC.values(),
]


def _tz(nullable: bool = False, **kw: object) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(sa.DateTime(timezone=True), nullable=nullable, **kw)  # type: ignore[arg-type]


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
        # What the purge looks for: expired, not held (no entry while a case is open).
        sa.Index(
            "ix_complaints_retention",
            "retention_until",
            postgresql_where=sa.text("retention_until IS NOT NULL AND legal_hold_at IS NULL"),
        ),
    )

    id: uuid.UUID = Field(
        sa_column=sa.Column(
            pg.UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()")
        )
    )
    reference: str = Field(sa_column=sa.Column(sa.Text, nullable=False, unique=True))
    receipt_hash: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary))
    origin: str = Field(
        sa_column=sa.Column(ORIGIN, nullable=False, server_default=sa.text("'complaint'"))
    )
    track: str = Field(sa_column=sa.Column(TRACK, nullable=False))
    status: str = Field(sa_column=sa.Column(STATUS, nullable=False))
    version: int = Field(sa_column=sa.Column(sa.Integer, nullable=False, server_default="1"))
    summary: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    description: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    rights_affected: list[str] = Field(sa_column=sa.Column(pg.ARRAY(sa.Text), nullable=False))
    discrimination_grounds: list[str] = Field(
        sa_column=sa.Column(pg.ARRAY(sa.Text), nullable=False, server_default="{}")
    )
    respondent: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    incident_from: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    incident_to: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    incident_location: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    remedy_sought: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    language: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    anonymous: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    complainant_subject: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    handler_subject: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    received_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))
    acknowledge_by: datetime = Field(sa_column=_tz())
    acknowledged_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    feedback_by: datetime = Field(sa_column=_tz())
    feedback_given_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    decide_by: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    decided_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    referred_to: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    # The respondent as one of the configured departments (OMBUDS_DEPARTMENTS), or NULL: the
    # code statistics and monitoring events use, never the free text.
    department: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    # When the case first reached investigation, and when it last finished (a terminal state;
    # cleared by a reopening): what the statistics measure durations and shares from.
    investigated_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    # Set when the case finishes (OMBUDS_RETENTION_YEARS by track and outcome); past it, the
    # purge removes the case with everything attached, unless a legal hold is set.
    retention_until: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    legal_hold_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    legal_hold_by: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    legal_hold_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    # A retaliation report links to the report it retaliates against (art. 19, 21(5)).
    retaliation_against: uuid.UUID | None = Field(
        default=None,
        sa_column=sa.Column(
            pg.UUID(as_uuid=True), sa.ForeignKey("complaints.id", ondelete="SET NULL")
        ),
    )
    priority: bool = Field(
        sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    )
    updated_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


class ComplainantContact(SQLModel, table=True):
    """Who filed and how to reach them: kept apart from the case record and sealed (AES-256-GCM,
    app.crypto) under the identity key `key_id`; the database never holds them in clear."""

    __tablename__ = "complainant_contacts"

    complaint_id: uuid.UUID = Field(
        sa_column=sa.Column(
            pg.UUID(as_uuid=True),
            sa.ForeignKey("complaints.id", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    key_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    sealed: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))


class NamedPersons(SQLModel, table=True):
    """People the report names (witnesses, officials concerned), sealed like the complainant's
    contact details (EU Directive 2019/1937 art. 9(1)(a), 16: third parties are protected too)."""

    __tablename__ = "named_persons"

    complaint_id: uuid.UUID = Field(
        sa_column=sa.Column(
            pg.UUID(as_uuid=True),
            sa.ForeignKey("complaints.id", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    key_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    sealed: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))


class ComplainantCharacteristics(SQLModel, table=True):
    """Self-identified characteristics (special-category data): only ever read in aggregate."""

    __tablename__ = "complainant_characteristics"

    complaint_id: uuid.UUID = Field(
        sa_column=sa.Column(
            pg.UUID(as_uuid=True),
            sa.ForeignKey("complaints.id", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    sex_gender: str | None = Field(default=None, sa_column=sa.Column(CHARACTERISTIC["sex_gender"]))
    age_band: str | None = Field(default=None, sa_column=sa.Column(CHARACTERISTIC["age_band"]))
    disability: str | None = Field(default=None, sa_column=sa.Column(CHARACTERISTIC["disability"]))
    migration_status: str | None = Field(
        default=None, sa_column=sa.Column(CHARACTERISTIC["migration_status"])
    )
    ethnicity: str | None = Field(default=None, sa_column=sa.Column(CHARACTERISTIC["ethnicity"]))


class Recusal(SQLModel, table=True):
    """A person kept away from a complaint: a declared conflict of interest, or an exclusion by
    the head of office. From then on the complaint is out of their reach everywhere."""

    __tablename__ = "recusals"

    complaint_id: uuid.UUID = Field(
        sa_column=sa.Column(
            pg.UUID(as_uuid=True),
            sa.ForeignKey("complaints.id", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    subject: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    kind: str = Field(sa_column=sa.Column(RECUSAL_KIND, nullable=False))
    reason: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    recorded_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    recorded_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


class Investigation(SQLModel, table=True):
    """The plan of an investigation; its steps are recorded in investigation_steps."""

    __tablename__ = "investigations"

    complaint_id: uuid.UUID = Field(
        sa_column=sa.Column(
            pg.UUID(as_uuid=True),
            sa.ForeignKey("complaints.id", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    plan: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    opened_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    opened_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))
    updated_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


class InvestigationStep(SQLModel, table=True):
    """Something done in an investigation. An information request is addressed to a department,
    which answers it by its due date."""

    __tablename__ = "investigation_steps"
    __table_args__ = (
        sa.CheckConstraint(
            "kind <> 'information_request' OR (department IS NOT NULL AND due_at IS NOT NULL)",
            "information_request_addressed",
        ),
        sa.CheckConstraint(
            "(answer IS NULL) = (answered_at IS NULL) AND (answer IS NULL) = (answered_by IS NULL)",
            "answer_complete",
        ),
        sa.Index("ix_investigation_steps_complaint", "complaint_id", "id"),
        sa.Index(
            "ix_investigation_steps_open_requests",
            "department",
            "due_at",
            postgresql_where=sa.text("kind = 'information_request' AND answered_at IS NULL"),
        ),
        sa.Index(
            "ix_investigation_steps_requests_due",
            "due_at",
            postgresql_where=sa.text("kind = 'information_request' AND answered_at IS NULL"),
        ),
    )

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    complaint_id: uuid.UUID = Field(
        sa_column=sa.Column(
            pg.UUID(as_uuid=True),
            sa.ForeignKey("investigations.complaint_id", ondelete="CASCADE"),
            nullable=False,
        )
    )
    kind: str = Field(sa_column=sa.Column(STEP_KIND, nullable=False))
    summary: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    details: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    occurred_on: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    department: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    due_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    answer: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    answered_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    answered_by: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    created_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


def _complaint_fk(primary_key: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        pg.UUID(as_uuid=True),
        sa.ForeignKey("complaints.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


class Finding(SQLModel, table=True):
    """The office's findings: drafted while investigating, issued by the `issue_findings`
    transition, then communicated to the complainant."""

    __tablename__ = "findings"

    complaint_id: uuid.UUID = Field(sa_column=_complaint_fk(primary_key=True))
    outcome: str = Field(sa_column=sa.Column(FINDING_OUTCOME, nullable=False))
    rights_affected: list[str] = Field(sa_column=sa.Column(pg.ARRAY(sa.Text), nullable=False))
    public_summary: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    internal_reasoning: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    drafted_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    updated_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))
    issued_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    communicated_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    communicated_by: str | None = Field(default=None, sa_column=sa.Column(sa.Text))


class Remedy(SQLModel, table=True):
    """A recommended remedy, addressed to a department, followed until the office assesses it."""

    __tablename__ = "remedies"
    __table_args__ = (
        sa.CheckConstraint(
            "response IS DISTINCT FROM 'rejected' OR response_reasons IS NOT NULL",
            "rejection_reasoned",
        ),
        sa.Index("ix_remedies_complaint", "complaint_id", "id"),
        sa.Index(
            "ix_remedies_awaiting_response",
            "department",
            "response_due_at",
            postgresql_where=sa.text("response IS NULL"),
        ),
        sa.Index(
            "ix_remedies_response_due",
            "response_due_at",
            postgresql_where=sa.text("response IS NULL"),
        ),
        sa.Index(
            "ix_remedies_implementation_due",
            "implementation_due_at",
            postgresql_where=sa.text("assessment IS NULL AND implementation_due_at IS NOT NULL"),
        ),
    )

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    complaint_id: uuid.UUID = Field(sa_column=_complaint_fk())
    form: str = Field(sa_column=sa.Column(REMEDY_FORM, nullable=False))
    department: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    description: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    response_due_at: datetime = Field(sa_column=_tz())
    implementation_due_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    response: str | None = Field(default=None, sa_column=sa.Column(REMEDY_RESPONSE))
    response_reasons: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    responded_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    responded_by: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    assessment: str | None = Field(default=None, sa_column=sa.Column(REMEDY_ASSESSMENT))
    assessment_note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    assessed_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    assessed_by: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    created_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


class RemedyReport(SQLModel, table=True):
    """A department's report on a remedy: progress, or that it is implemented (with evidence)."""

    __tablename__ = "remedy_reports"
    __table_args__ = (sa.Index("ix_remedy_reports_remedy", "remedy_id", "id"),)

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    remedy_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger, sa.ForeignKey("remedies.id", ondelete="CASCADE"), nullable=False
        )
    )
    kind: str = Field(sa_column=sa.Column(REMEDY_REPORT_KIND, nullable=False))
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    evidence: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    reported_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    reported_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


class Hearing(SQLModel, table=True):
    """A hearing: when, where or online, who takes part and what they need; its minutes stay
    internal, its outcome is shared with the complainant."""

    __tablename__ = "hearings"
    __table_args__ = (
        sa.CheckConstraint("mode = 'online' OR location IS NOT NULL", "location_unless_online"),
        sa.CheckConstraint("mode = 'in_person' OR online_url IS NOT NULL", "url_unless_in_person"),
        sa.CheckConstraint("status <> 'held' OR minutes IS NOT NULL", "held_has_minutes"),
        sa.Index("ix_hearings_complaint", "complaint_id", "id"),
    )

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    complaint_id: uuid.UUID = Field(sa_column=_complaint_fk())
    scheduled_at: datetime = Field(sa_column=_tz())
    mode: str = Field(sa_column=sa.Column(HEARING_MODE, nullable=False))
    location: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    online_url: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    participants: list[dict[str, str]] = Field(sa_column=sa.Column(pg.JSONB, nullable=False))
    status: str = Field(sa_column=sa.Column(HEARING_STATUS, nullable=False))
    minutes: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    outcome: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    created_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))
    updated_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


class MediationAttempt(SQLModel, table=True):
    """An attempt at an amicable settlement and its result; a settlement records its terms."""

    __tablename__ = "mediation_attempts"
    __table_args__ = (
        sa.CheckConstraint("result <> 'settled' OR terms IS NOT NULL", "settlement_has_terms"),
        sa.Index("ix_mediation_attempts_complaint", "complaint_id", "id"),
    )

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    complaint_id: uuid.UUID = Field(sa_column=_complaint_fk())
    result: str = Field(sa_column=sa.Column(MEDIATION_RESULT, nullable=False))
    terms: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    notes: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    mediator: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    recorded_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    recorded_at: datetime = Field(sa_column=_tz(server_default=sa.text("clock_timestamp()")))


class Attachment(SQLModel, table=True):
    """A file on a complaint, a message or an investigation step. The bytes live in storage
    (app.attachments.storage); the row holds what is needed to serve and verify them."""

    __tablename__ = "attachments"
    __table_args__ = (
        sa.CheckConstraint("(parent = 'complaint') = (parent_id IS NULL)", "parent_id_iff_child"),
        sa.CheckConstraint("octet_length(sha256) = 32", "sha256_length"),
        sa.Index("ix_attachments_complaint", "complaint_id", "created_at"),
    )

    id: uuid.UUID = Field(sa_column=sa.Column(pg.UUID(as_uuid=True), primary_key=True))
    complaint_id: uuid.UUID = Field(sa_column=_complaint_fk())
    parent: str = Field(sa_column=sa.Column(ATTACHMENT_PARENT, nullable=False))
    parent_id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger))
    filename: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    content_type: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    size_bytes: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    sha256: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    visible_to_complainant: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    uploaded_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    uploaded_role: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


class IdentityRevealRequest(SQLModel, table=True):
    """A motivated request to see a reporter's identity, decided by the identity custodian
    (EU Directive 2019/1937 art. 16): the decision, its legal basis, and whether (and when) the
    reporter was told first, or why telling them would jeopardise the investigation."""

    __tablename__ = "identity_reveal_requests"
    __table_args__ = (
        sa.CheckConstraint(
            "status <> 'approved' OR notified_at IS NOT NULL OR no_notice_reason IS NOT NULL",
            "approved_after_notice_or_reasoned_exception",
        ),
        sa.Index("ix_identity_reveal_requests_complaint", "complaint_id", "id"),
    )

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    complaint_id: uuid.UUID = Field(sa_column=_complaint_fk())
    requested_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    motivation: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    legal_basis: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    status: str = Field(sa_column=sa.Column(REVEAL_STATUS, nullable=False))
    decided_by: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    decided_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    decision_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    notified_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    no_notice_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    created_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


class IdentityDisclosure(SQLModel, table=True):
    """Every time someone saw a revealed identity."""

    __tablename__ = "identity_disclosures"
    __table_args__ = (sa.Index("ix_identity_disclosures_request", "request_id", "id"),)

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    request_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger,
            sa.ForeignKey("identity_reveal_requests.id", ondelete="CASCADE"),
            nullable=False,
        )
    )
    seen_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    seen_role: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    seen_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


class ProtectionMeasure(SQLModel, table=True):
    """Support offered to a reporter facing retaliation (the city's protection programme)."""

    __tablename__ = "protection_measures"
    __table_args__ = (sa.Index("ix_protection_measures_complaint", "complaint_id", "id"),)

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    complaint_id: uuid.UUID = Field(sa_column=_complaint_fk())
    measure: str = Field(sa_column=sa.Column(PROTECTION_MEASURE, nullable=False))
    status: str = Field(sa_column=sa.Column(MEASURE_STATUS, nullable=False))
    note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    decided_by: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    decided_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    created_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


class Redaction(SQLModel, table=True):
    """Personal data found manifestly irrelevant, removed from a report (art. 17): the record
    says where, why, by whom and how often; never what was removed."""

    __tablename__ = "redactions"
    __table_args__ = (sa.Index("ix_redactions_complaint", "complaint_id", "id"),)

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    complaint_id: uuid.UUID = Field(sa_column=_complaint_fk())
    field: str = Field(sa_column=sa.Column(REDACTABLE_FIELD, nullable=False))
    occurrences: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    reason: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    redacted_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    redacted_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


class ReportRecord(SQLModel, table=True):
    """Minutes or transcript of an oral report or a meeting, which the reporter checks and then
    approves or corrects (EU Directive 2019/1937 art. 18)."""

    __tablename__ = "report_records"
    __table_args__ = (
        sa.CheckConstraint(
            "status <> 'corrected' OR reporter_comment IS NOT NULL", "correction_has_comment"
        ),
        sa.Index("ix_report_records_complaint", "complaint_id", "id"),
    )

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    complaint_id: uuid.UUID = Field(sa_column=_complaint_fk())
    kind: str = Field(sa_column=sa.Column(RECORD_KIND, nullable=False))
    held_at: datetime = Field(sa_column=_tz())
    transcript: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    status: str = Field(sa_column=sa.Column(RECORD_STATUS, nullable=False))
    reporter_comment: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    responded_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))
    recorded_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


class Message(SQLModel, table=True):
    """The thread between the complainant and the office, and the office's internal notes."""

    __tablename__ = "messages"
    __table_args__ = (sa.Index("ix_messages_complaint", "complaint_id", "id"),)

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    complaint_id: uuid.UUID = Field(
        sa_column=sa.Column(
            pg.UUID(as_uuid=True),
            sa.ForeignKey("complaints.id", ondelete="CASCADE"),
            nullable=False,
        )
    )
    kind: str = Field(sa_column=sa.Column(MESSAGE_KIND, nullable=False))
    body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    author_subject: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    author_role: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))


class TimelineEntry(SQLModel, table=True):
    __tablename__ = "timeline_entries"
    __table_args__ = (sa.Index("ix_timeline_entries_complaint", "complaint_id", "id"),)

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    complaint_id: uuid.UUID = Field(
        sa_column=sa.Column(
            pg.UUID(as_uuid=True),
            sa.ForeignKey("complaints.id", ondelete="CASCADE"),
            nullable=False,
        )
    )
    at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))
    actor_subject: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    actor_role: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    action: str = Field(sa_column=sa.Column(TIMELINE_ACTION, nullable=False))
    from_status: str | None = Field(default=None, sa_column=sa.Column(STATUS))
    to_status: str = Field(sa_column=sa.Column(STATUS, nullable=False))
    reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    visible_to_complainant: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    # The person an assignment or recusal entry concerns (staff-only entries).
    about_subject: str | None = Field(default=None, sa_column=sa.Column(sa.Text))


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

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))
    actor_subject: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    actor_role: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    action: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    object_type: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    object_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    outcome: str = Field(sa_column=sa.Column(sa.Text, nullable=False, server_default="success"))
    seq: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger))
    hash: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary))


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

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    type: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    payload: dict[str, object] = Field(sa_column=sa.Column(pg.JSONB, nullable=False))
    created_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))
    complaint_id: uuid.UUID | None = Field(default=None, sa_column=sa.Column(pg.UUID(as_uuid=True)))
    status: str = Field(
        sa_column=sa.Column(OUTBOX_STATUS, nullable=False, server_default="pending")
    )
    attempts: int = Field(sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
    next_attempt_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))
    last_error: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    delivered_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))


def _count() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(sa.Integer, nullable=False, server_default="0")


class StatFact(SQLModel, table=True):
    """What the statistics last counted for one complaint: the folder subtracts it and adds the
    complaint's current facts, so the aggregate stays exact without rescanning anything."""

    __tablename__ = "stat_facts"

    complaint_id: uuid.UUID = Field(sa_column=sa.Column(pg.UUID(as_uuid=True), primary_key=True))
    month: date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    track: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    origin: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    status: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    rights: list[str] = Field(sa_column=sa.Column(pg.ARRAY(sa.Text), nullable=False))
    grounds: list[str] = Field(sa_column=sa.Column(pg.ARRAY(sa.Text), nullable=False))
    department: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    outcome: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    sex_gender: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    age_band: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    disability: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    migration_status: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    ethnicity: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    finished_month: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    outside_mandate: int = Field(sa_column=_count())
    investigated: int = Field(sa_column=_count())
    finished: int = Field(sa_column=_count())
    ack_settled: int = Field(sa_column=_count())
    ack_on_time: int = Field(sa_column=_count())
    feedback_settled: int = Field(sa_column=_count())
    feedback_on_time: int = Field(sa_column=_count())
    decided: int = Field(sa_column=_count())
    decided_on_time: int = Field(sa_column=_count())
    remedies_recommended: int = Field(sa_column=_count())
    remedies_responded: int = Field(sa_column=_count())
    remedies_complied: int = Field(sa_column=_count())
    days_to_ack: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    days_to_findings: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    days_to_finish: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))


def _sum() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(sa.BigInteger, nullable=False, server_default="0")


class StatCell(SQLModel, table=True):
    """The statistics aggregate: per month of receipt and track, the sums of the facts of every
    complaint in a cell (no dimension, one dimension value, or a pair of them). Durations are
    histograms (fixed buckets) on the one-dimension cells, so medians stay exact to the bucket
    and reading them costs the same at any volume."""

    __tablename__ = "stat_cells"

    dim_a: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    dim_b: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    month: date = Field(sa_column=sa.Column(sa.Date, primary_key=True))
    track: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    val_a: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    val_b: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    n: int = Field(sa_column=_sum())
    own_initiative: int = Field(sa_column=_sum())
    outside_mandate: int = Field(sa_column=_sum())
    investigated: int = Field(sa_column=_sum())
    finished: int = Field(sa_column=_sum())
    ack_settled: int = Field(sa_column=_sum())
    ack_on_time: int = Field(sa_column=_sum())
    feedback_settled: int = Field(sa_column=_sum())
    feedback_on_time: int = Field(sa_column=_sum())
    decided: int = Field(sa_column=_sum())
    decided_on_time: int = Field(sa_column=_sum())
    remedies_recommended: int = Field(sa_column=_sum())
    remedies_responded: int = Field(sa_column=_sum())
    remedies_complied: int = Field(sa_column=_sum())
    ack_hist: list[int] | None = Field(default=None, sa_column=sa.Column(pg.ARRAY(sa.Integer)))
    findings_hist: list[int] | None = Field(default=None, sa_column=sa.Column(pg.ARRAY(sa.Integer)))
    finish_hist: list[int] | None = Field(default=None, sa_column=sa.Column(pg.ARRAY(sa.Integer)))


class ErasureRequest(SQLModel, table=True):
    """A data subject's request to erase their personal data (GDPR art. 17), answered within a
    month (art. 12(3)): executed, or refused on a ground of art. 17(3)."""

    __tablename__ = "erasure_requests"
    __table_args__ = (
        sa.Index("ix_erasure_requests_complaint", "complaint_id", "id"),
        # The deadlines view: pending requests by due date.
        sa.Index(
            "ix_erasure_requests_pending_due",
            "due_at",
            postgresql_where=sa.text("status = 'pending'"),
        ),
        sa.CheckConstraint("status <> 'refused' OR ground IS NOT NULL", "refusal_names_its_ground"),
    )

    id: int = Field(sa_column=sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True))
    complaint_id: uuid.UUID = Field(sa_column=_complaint_fk())
    received_at: datetime = Field(sa_column=_tz(server_default=sa.text("now()")))
    due_at: datetime = Field(sa_column=_tz())
    channel: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    recorded_by: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    status: str = Field(sa_column=sa.Column(ERASURE_STATUS, nullable=False))
    ground: str | None = Field(default=None, sa_column=sa.Column(ERASURE_GROUND))
    decision_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    decided_by: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    decided_at: datetime | None = Field(default=None, sa_column=_tz(nullable=True))


class StatHistRollup(SQLModel, table=True):
    """Duration histograms of the one-way cells summed by quarter and by year of receipt, so a
    long range reads a handful of rows per group instead of one per month."""

    __tablename__ = "stat_hist_rollups"

    dim: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    unit: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    period: date = Field(sa_column=sa.Column(sa.Date, primary_key=True))
    track: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    val: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    ack_hist: list[int] | None = Field(default=None, sa_column=sa.Column(pg.ARRAY(sa.Integer)))
    findings_hist: list[int] | None = Field(default=None, sa_column=sa.Column(pg.ARRAY(sa.Integer)))
    finish_hist: list[int] | None = Field(default=None, sa_column=sa.Column(pg.ARRAY(sa.Integer)))


class PrivacyBudget(SQLModel, table=True):
    """Differential-privacy budget spent per calendar month of release."""

    __tablename__ = "privacy_budgets"
    __table_args__ = (sa.CheckConstraint("spent >= 0", "spent_not_negative"),)

    period: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    spent: float = Field(sa_column=sa.Column(sa.Float, nullable=False, server_default="0"))
    releases: int = Field(sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
