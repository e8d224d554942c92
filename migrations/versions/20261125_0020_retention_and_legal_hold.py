"""retention and legal hold

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-25 15:41:34.000909+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TIMELINE_ACTION_BEFORE = "VALUE IN ('acknowledge', 'assign', 'close', 'communicate_decision', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'exclude', 'file', 'give_feedback', 'hearing_cancelled', 'hearing_held', 'hearing_rescheduled', 'hearing_scheduled', 'issue_findings', 'mediation_failed', 'mediation_settled', 'open_investigation', 'recommend_remedies', 'record_approved', 'record_corrected', 'record_shared', 'recuse', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'unassign', 'withdraw')"
TIMELINE_ACTION_AFTER = "VALUE IN ('acknowledge', 'assign', 'close', 'communicate_decision', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'exclude', 'file', 'give_feedback', 'hearing_cancelled', 'hearing_held', 'hearing_rescheduled', 'hearing_scheduled', 'issue_findings', 'legal_hold_lifted', 'legal_hold_set', 'mediation_failed', 'mediation_settled', 'open_investigation', 'recommend_remedies', 'record_approved', 'record_corrected', 'record_shared', 'recuse', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'unassign', 'withdraw')"


def _set_timeline_actions(check: str) -> None:
    op.execute("ALTER DOMAIN timeline_action DROP CONSTRAINT timeline_action_check")
    op.execute(f"ALTER DOMAIN timeline_action ADD CONSTRAINT timeline_action_check CHECK ({check})")


# Cases already finished get the default periods (OMBUDS_RETENTION_YEARS' defaults).
BACKFILL = """
UPDATE complaints SET retention_until = finished_at + make_interval(years =>
  CASE WHEN track = 'ombudsperson' AND status = 'closed' THEN 10
       WHEN track = 'ombudsperson' THEN 5
       WHEN status = 'closed' THEN 5
       ELSE 2 END)
WHERE finished_at IS NOT NULL
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "complaints", sa.Column("retention_until", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("complaints", sa.Column("legal_hold_reason", sa.Text(), nullable=True))
    op.add_column("complaints", sa.Column("legal_hold_by", sa.Text(), nullable=True))
    op.add_column(
        "complaints", sa.Column("legal_hold_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(
        "ix_complaints_retention",
        "complaints",
        ["retention_until"],
        unique=False,
        postgresql_where=sa.text("retention_until IS NOT NULL AND legal_hold_at IS NULL"),
    )
    op.execute(BACKFILL)
    _set_timeline_actions(TIMELINE_ACTION_AFTER)


def downgrade() -> None:
    """Downgrade schema."""
    op.execute(
        "DELETE FROM timeline_entries WHERE action IN ('legal_hold_set', 'legal_hold_lifted')"
    )
    _set_timeline_actions(TIMELINE_ACTION_BEFORE)
    op.drop_index(
        "ix_complaints_retention",
        table_name="complaints",
        postgresql_where=sa.text("retention_until IS NOT NULL AND legal_hold_at IS NULL"),
    )
    op.drop_column("complaints", "legal_hold_at")
    op.drop_column("complaints", "legal_hold_by")
    op.drop_column("complaints", "legal_hold_reason")
    op.drop_column("complaints", "retention_until")
