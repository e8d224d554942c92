"""mediation attempts

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 13:26:33.990694+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


NEW_DOMAINS = {"mediation_result": "VALUE IN ('failed', 'settled')"}
TIMELINE_ACTION_BEFORE = "VALUE IN ('acknowledge', 'assign', 'close', 'communicate_decision', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'exclude', 'file', 'give_feedback', 'hearing_cancelled', 'hearing_held', 'hearing_rescheduled', 'hearing_scheduled', 'issue_findings', 'open_investigation', 'recommend_remedies', 'recuse', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'unassign', 'withdraw')"
TIMELINE_ACTION_AFTER = "VALUE IN ('acknowledge', 'assign', 'close', 'communicate_decision', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'exclude', 'file', 'give_feedback', 'hearing_cancelled', 'hearing_held', 'hearing_rescheduled', 'hearing_scheduled', 'issue_findings', 'mediation_failed', 'mediation_settled', 'open_investigation', 'recommend_remedies', 'recuse', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'unassign', 'withdraw')"


def _set_timeline_actions(check: str) -> None:
    op.execute("ALTER DOMAIN timeline_action DROP CONSTRAINT timeline_action_check")
    op.execute(f"ALTER DOMAIN timeline_action ADD CONSTRAINT timeline_action_check CHECK ({check})")


def upgrade() -> None:
    """Upgrade schema."""
    for name, check in NEW_DOMAINS.items():
        op.execute(f"CREATE DOMAIN {name} AS text CHECK ({check})")
    _set_timeline_actions(TIMELINE_ACTION_AFTER)
    op.create_table(
        "mediation_attempts",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column(
            "result",
            postgresql.DOMAIN(
                "mediation_result",
                sa.Text(),
                check="VALUE IN ('failed', 'settled')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("terms", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("mediator", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "result <> 'settled' OR terms IS NOT NULL",
            name=op.f("ck_mediation_attempts_settlement_has_terms"),
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_mediation_attempts_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_attempts")),
    )
    op.create_index(
        "ix_mediation_attempts_complaint",
        "mediation_attempts",
        ["complaint_id", "id"],
        unique=False,
    )


def downgrade() -> None:
    """Downgrade schema (drops mediation attempts and their timeline entries)."""
    op.drop_index("ix_mediation_attempts_complaint", table_name="mediation_attempts")
    op.drop_table("mediation_attempts")
    for name in reversed(NEW_DOMAINS):
        op.execute(f"DROP DOMAIN {name}")
    op.execute(
        "DELETE FROM timeline_entries WHERE action IN ('mediation_settled', 'mediation_failed')"
    )
    _set_timeline_actions(TIMELINE_ACTION_BEFORE)
