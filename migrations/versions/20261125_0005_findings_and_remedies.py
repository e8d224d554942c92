"""findings and remedies

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 13:14:49.451271+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


NEW_DOMAINS = {
    "finding_outcome": "VALUE IN ('no_violation', 'not_substantiated', 'partially_founded', 'settled', 'violation_found')",
    "remedy_form": "VALUE IN ('compensation', 'guarantee_of_non_repetition', 'rehabilitation', 'restitution', 'satisfaction')",
    "remedy_response": "VALUE IN ('accepted', 'rejected')",
    "remedy_assessment": "VALUE IN ('implemented', 'not_implemented', 'partially_implemented')",
    "remedy_report_kind": "VALUE IN ('implemented', 'progress')",
}
TIMELINE_ACTION_BEFORE = "VALUE IN ('acknowledge', 'assign', 'close', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'exclude', 'file', 'give_feedback', 'issue_findings', 'open_investigation', 'recommend_remedies', 'recuse', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'unassign', 'withdraw')"
TIMELINE_ACTION_AFTER = "VALUE IN ('acknowledge', 'assign', 'close', 'communicate_decision', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'exclude', 'file', 'give_feedback', 'issue_findings', 'open_investigation', 'recommend_remedies', 'recuse', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'unassign', 'withdraw')"


def _set_timeline_actions(check: str) -> None:
    op.execute("ALTER DOMAIN timeline_action DROP CONSTRAINT timeline_action_check")
    op.execute(f"ALTER DOMAIN timeline_action ADD CONSTRAINT timeline_action_check CHECK ({check})")


def upgrade() -> None:
    """Upgrade schema."""
    for name, check in NEW_DOMAINS.items():
        op.execute(f"CREATE DOMAIN {name} AS text CHECK ({check})")
    _set_timeline_actions(TIMELINE_ACTION_AFTER)
    op.create_table(
        "findings",
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column(
            "outcome",
            postgresql.DOMAIN(
                "finding_outcome",
                sa.Text(),
                check="VALUE IN ('no_violation', 'not_substantiated', 'partially_founded', 'settled', 'violation_found')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("rights_affected", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("public_summary", sa.Text(), nullable=False),
        sa.Column("internal_reasoning", sa.Text(), nullable=False),
        sa.Column("drafted_by", sa.Text(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("communicated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("communicated_by", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_findings_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("complaint_id", name=op.f("pk_findings")),
    )
    op.create_table(
        "remedies",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column(
            "form",
            postgresql.DOMAIN(
                "remedy_form",
                sa.Text(),
                check="VALUE IN ('compensation', 'guarantee_of_non_repetition', 'rehabilitation', 'restitution', 'satisfaction')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("response_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("implementation_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "response",
            postgresql.DOMAIN(
                "remedy_response",
                sa.Text(),
                check="VALUE IN ('accepted', 'rejected')",
                create_type=False,
            ),
            nullable=True,
        ),
        sa.Column("response_reasons", sa.Text(), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded_by", sa.Text(), nullable=True),
        sa.Column(
            "assessment",
            postgresql.DOMAIN(
                "remedy_assessment",
                sa.Text(),
                check="VALUE IN ('implemented', 'not_implemented', 'partially_implemented')",
                create_type=False,
            ),
            nullable=True,
        ),
        sa.Column("assessment_note", sa.Text(), nullable=True),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assessed_by", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "response IS DISTINCT FROM 'rejected' OR response_reasons IS NOT NULL",
            name=op.f("ck_remedies_rejection_reasoned"),
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_remedies_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remedies")),
    )
    op.create_index(
        "ix_remedies_awaiting_response",
        "remedies",
        ["department", "response_due_at"],
        unique=False,
        postgresql_where=sa.text("response IS NULL"),
    )
    op.create_index("ix_remedies_complaint", "remedies", ["complaint_id", "id"], unique=False)
    op.create_table(
        "remedy_reports",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("remedy_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            postgresql.DOMAIN(
                "remedy_report_kind",
                sa.Text(),
                check="VALUE IN ('implemented', 'progress')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("reported_by", sa.Text(), nullable=False),
        sa.Column(
            "reported_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["remedy_id"],
            ["remedies.id"],
            name=op.f("fk_remedy_reports_remedy_id_remedies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remedy_reports")),
    )
    op.create_index("ix_remedy_reports_remedy", "remedy_reports", ["remedy_id", "id"], unique=False)


def downgrade() -> None:
    """Downgrade schema (drops findings, remedies and decision-communication entries)."""
    op.drop_index("ix_remedy_reports_remedy", table_name="remedy_reports")
    op.drop_table("remedy_reports")
    op.drop_index("ix_remedies_complaint", table_name="remedies")
    op.drop_index(
        "ix_remedies_awaiting_response",
        table_name="remedies",
        postgresql_where=sa.text("response IS NULL"),
    )
    op.drop_table("remedies")
    op.drop_table("findings")
    for name in reversed(NEW_DOMAINS):
        op.execute(f"DROP DOMAIN {name}")
    op.execute("DELETE FROM timeline_entries WHERE action = 'communicate_decision'")
    _set_timeline_actions(TIMELINE_ACTION_BEFORE)
