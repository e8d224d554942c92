"""complaints, timeline, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-25 12:41:45.959090+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Code lists as text domains (checked once per connection, not per INSERT). Frozen here:
# later migrations change them with ALTER DOMAIN.
DOMAINS = {
    "complaint_status": "VALUE IN ('acknowledged', 'closed', 'findings_issued', 'hearing', 'inadmissible', 'mediation', 'referred', 'remedy_follow_up', 'submitted', 'under_assessment', 'under_investigation', 'withdrawn')",
    "complaint_track": "VALUE IN ('anti_corruption', 'ombudsperson')",
    "timeline_action": "VALUE IN ('acknowledge', 'close', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'file', 'give_feedback', 'issue_findings', 'open_investigation', 'recommend_remedies', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'withdraw')",
    "sex_gender_option": "VALUE IN ('man', 'non_binary', 'other', 'prefer_not_to_say', 'woman')",
    "age_band_option": "VALUE IN ('18_24', '25_34', '35_44', '45_54', '55_64', '65_74', '75_plus', 'prefer_not_to_say', 'under_18')",
    "disability_option": "VALUE IN ('no', 'prefer_not_to_say', 'yes')",
    "migration_status_option": "VALUE IN ('born_in_country', 'foreign_resident', 'naturalised_citizen', 'other', 'prefer_not_to_say', 'refugee_or_asylum_seeker')",
    "ethnicity_option": "VALUE IN ('ethnic_minority', 'indigenous', 'not_minority', 'other', 'prefer_not_to_say')",
}


def upgrade() -> None:
    """Upgrade schema."""
    for name, check in DOMAINS.items():
        op.execute(f"CREATE DOMAIN {name} AS text CHECK ({check})")
    # Human references (HRC-2026-000123) number complaints from one sequence: no hot counter row.
    op.execute(sa.schema.CreateSequence(sa.Sequence("complaint_reference_seq")))
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("actor_subject", sa.Text(), nullable=False),
        sa.Column("actor_role", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("object_type", sa.Text(), nullable=False),
        sa.Column("object_id", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), server_default="success", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_table(
        "complaints",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("receipt_hash", sa.LargeBinary(), nullable=False),
        sa.Column(
            "track",
            postgresql.DOMAIN(
                "complaint_track",
                sa.Text(),
                check="VALUE IN ('anti_corruption', 'ombudsperson')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            postgresql.DOMAIN(
                "complaint_status",
                sa.Text(),
                check="VALUE IN ('acknowledged', 'closed', 'findings_issued', 'hearing', 'inadmissible', 'mediation', 'referred', 'remedy_follow_up', 'submitted', 'under_assessment', 'under_investigation', 'withdrawn')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("rights_affected", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column(
            "discrimination_grounds",
            postgresql.ARRAY(sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("respondent", sa.Text(), nullable=True),
        sa.Column("incident_from", sa.Date(), nullable=True),
        sa.Column("incident_to", sa.Date(), nullable=True),
        sa.Column("incident_location", sa.Text(), nullable=True),
        sa.Column("remedy_sought", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("complainant_subject", sa.Text(), nullable=True),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("acknowledge_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("feedback_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feedback_given_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "incident_to IS NULL OR incident_from IS NULL OR incident_to >= incident_from",
            name=op.f("ck_complaints_incident_period"),
        ),
        sa.CheckConstraint(
            "octet_length(receipt_hash) = 32", name=op.f("ck_complaints_receipt_hash_length")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("reference", name=op.f("uq_complaints_reference")),
    )
    op.create_index(
        "ix_complaints_ack_pending",
        "complaints",
        ["track", "acknowledge_by"],
        unique=False,
        postgresql_where=sa.text("acknowledged_at IS NULL"),
    )
    op.create_index(
        "ix_complaints_complainant_subject",
        "complaints",
        ["complainant_subject"],
        unique=False,
        postgresql_where=sa.text("complainant_subject IS NOT NULL"),
    )
    op.create_index(
        "ix_complaints_feedback_pending",
        "complaints",
        ["track", "feedback_by"],
        unique=False,
        postgresql_where=sa.text("feedback_given_at IS NULL"),
    )
    op.create_index(
        "ix_complaints_track_received",
        "complaints",
        ["track", sa.literal_column("received_at DESC"), sa.literal_column("id DESC")],
        unique=False,
    )
    op.create_table(
        "complainant_characteristics",
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column(
            "sex_gender",
            postgresql.DOMAIN(
                "sex_gender_option",
                sa.Text(),
                check="VALUE IN ('man', 'non_binary', 'other', 'prefer_not_to_say', 'woman')",
                create_type=False,
            ),
            nullable=True,
        ),
        sa.Column(
            "age_band",
            postgresql.DOMAIN(
                "age_band_option",
                sa.Text(),
                check="VALUE IN ('18_24', '25_34', '35_44', '45_54', '55_64', '65_74', '75_plus', 'prefer_not_to_say', 'under_18')",
                create_type=False,
            ),
            nullable=True,
        ),
        sa.Column(
            "disability",
            postgresql.DOMAIN(
                "disability_option",
                sa.Text(),
                check="VALUE IN ('no', 'prefer_not_to_say', 'yes')",
                create_type=False,
            ),
            nullable=True,
        ),
        sa.Column(
            "migration_status",
            postgresql.DOMAIN(
                "migration_status_option",
                sa.Text(),
                check="VALUE IN ('born_in_country', 'foreign_resident', 'naturalised_citizen', 'other', 'prefer_not_to_say', 'refugee_or_asylum_seeker')",
                create_type=False,
            ),
            nullable=True,
        ),
        sa.Column(
            "ethnicity",
            postgresql.DOMAIN(
                "ethnicity_option",
                sa.Text(),
                check="VALUE IN ('ethnic_minority', 'indigenous', 'not_minority', 'other', 'prefer_not_to_say')",
                create_type=False,
            ),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complainant_characteristics_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("complaint_id", name=op.f("pk_complainant_characteristics")),
    )
    op.create_table(
        "complainant_contacts",
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("postal_address", sa.Text(), nullable=True),
        sa.Column("preferred_channel", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complainant_contacts_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("complaint_id", name=op.f("pk_complainant_contacts")),
    )
    op.create_table(
        "timeline_entries",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("actor_subject", sa.Text(), nullable=False),
        sa.Column("actor_role", sa.Text(), nullable=False),
        sa.Column(
            "action",
            postgresql.DOMAIN(
                "timeline_action",
                sa.Text(),
                check="VALUE IN ('acknowledge', 'close', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'file', 'give_feedback', 'issue_findings', 'open_investigation', 'recommend_remedies', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'withdraw')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "from_status",
            postgresql.DOMAIN(
                "complaint_status",
                sa.Text(),
                check="VALUE IN ('acknowledged', 'closed', 'findings_issued', 'hearing', 'inadmissible', 'mediation', 'referred', 'remedy_follow_up', 'submitted', 'under_assessment', 'under_investigation', 'withdrawn')",
                create_type=False,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            postgresql.DOMAIN(
                "complaint_status",
                sa.Text(),
                check="VALUE IN ('acknowledged', 'closed', 'findings_issued', 'hearing', 'inadmissible', 'mediation', 'referred', 'remedy_follow_up', 'submitted', 'under_assessment', 'under_investigation', 'withdrawn')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("visible_to_complainant", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_timeline_entries_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timeline_entries")),
    )
    op.create_index(
        "ix_timeline_entries_complaint", "timeline_entries", ["complaint_id", "id"], unique=False
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_timeline_entries_complaint", table_name="timeline_entries")
    op.drop_table("timeline_entries")
    op.drop_table("complainant_contacts")
    op.drop_table("complainant_characteristics")
    op.drop_index("ix_complaints_track_received", table_name="complaints")
    op.drop_index(
        "ix_complaints_feedback_pending",
        table_name="complaints",
        postgresql_where=sa.text("feedback_given_at IS NULL"),
    )
    op.drop_index(
        "ix_complaints_complainant_subject",
        table_name="complaints",
        postgresql_where=sa.text("complainant_subject IS NOT NULL"),
    )
    op.drop_index(
        "ix_complaints_ack_pending",
        table_name="complaints",
        postgresql_where=sa.text("acknowledged_at IS NULL"),
    )
    op.drop_table("complaints")
    op.drop_table("audit_entries")
    op.execute(sa.schema.DropSequence(sa.Sequence("complaint_reference_seq")))
    for name in reversed(DOMAINS):
        op.execute(f"DROP DOMAIN {name}")
