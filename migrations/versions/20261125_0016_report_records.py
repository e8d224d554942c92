"""report records

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-25 13:57:48.209401+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


NEW_DOMAINS = {
    "record_kind": "VALUE IN ('meeting', 'oral_report')",
    "record_status": "VALUE IN ('approved', 'awaiting_reporter', 'corrected')",
}
TIMELINE_ACTION_BEFORE = "VALUE IN ('acknowledge', 'assign', 'close', 'communicate_decision', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'exclude', 'file', 'give_feedback', 'hearing_cancelled', 'hearing_held', 'hearing_rescheduled', 'hearing_scheduled', 'issue_findings', 'mediation_failed', 'mediation_settled', 'open_investigation', 'recommend_remedies', 'recuse', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'unassign', 'withdraw')"
TIMELINE_ACTION_AFTER = "VALUE IN ('acknowledge', 'assign', 'close', 'communicate_decision', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'exclude', 'file', 'give_feedback', 'hearing_cancelled', 'hearing_held', 'hearing_rescheduled', 'hearing_scheduled', 'issue_findings', 'mediation_failed', 'mediation_settled', 'open_investigation', 'recommend_remedies', 'record_approved', 'record_corrected', 'record_shared', 'recuse', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'unassign', 'withdraw')"


def _set_timeline_actions(check: str) -> None:
    op.execute("ALTER DOMAIN timeline_action DROP CONSTRAINT timeline_action_check")
    op.execute(f"ALTER DOMAIN timeline_action ADD CONSTRAINT timeline_action_check CHECK ({check})")


def upgrade() -> None:
    """Upgrade schema."""
    for name, check in NEW_DOMAINS.items():
        op.execute(f"CREATE DOMAIN {name} AS text CHECK ({check})")
    _set_timeline_actions(TIMELINE_ACTION_AFTER)
    op.create_table(
        "report_records",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column(
            "kind",
            postgresql.DOMAIN(
                "record_kind",
                sa.Text(),
                check="VALUE IN ('meeting', 'oral_report')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("transcript", sa.Text(), nullable=False),
        sa.Column(
            "status",
            postgresql.DOMAIN(
                "record_status",
                sa.Text(),
                check="VALUE IN ('approved', 'awaiting_reporter', 'corrected')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("reporter_comment", sa.Text(), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status <> 'corrected' OR reporter_comment IS NOT NULL",
            name=op.f("ck_report_records_correction_has_comment"),
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_report_records_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_records")),
    )
    op.create_index(
        "ix_report_records_complaint", "report_records", ["complaint_id", "id"], unique=False
    )


def downgrade() -> None:
    """Downgrade schema (drops the records and their timeline entries)."""
    op.drop_index("ix_report_records_complaint", table_name="report_records")
    op.drop_table("report_records")
    for name in reversed(NEW_DOMAINS):
        op.execute(f"DROP DOMAIN {name}")
    op.execute(
        "DELETE FROM timeline_entries WHERE action IN "
        "('record_shared', 'record_approved', 'record_corrected')"
    )
    _set_timeline_actions(TIMELINE_ACTION_BEFORE)
