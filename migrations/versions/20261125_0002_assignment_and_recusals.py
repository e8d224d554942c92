"""assignment and recusals

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:01:58.091649+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Timeline entries that are not transitions: assignment and recusal events.
TIMELINE_ACTION_BEFORE = "VALUE IN ('acknowledge', 'close', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'file', 'give_feedback', 'issue_findings', 'open_investigation', 'recommend_remedies', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'withdraw')"
TIMELINE_ACTION_AFTER = "VALUE IN ('acknowledge', 'assign', 'close', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'exclude', 'file', 'give_feedback', 'issue_findings', 'open_investigation', 'recommend_remedies', 'recuse', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'unassign', 'withdraw')"
NEW_EVENTS = ("assign", "unassign", "recuse", "exclude")


def _set_timeline_actions(check: str) -> None:
    op.execute("ALTER DOMAIN timeline_action DROP CONSTRAINT timeline_action_check")
    op.execute(f"ALTER DOMAIN timeline_action ADD CONSTRAINT timeline_action_check CHECK ({check})")


def upgrade() -> None:
    """Upgrade schema."""
    op.execute("CREATE DOMAIN recusal_kind AS text CHECK (VALUE IN ('declared', 'excluded'))")
    _set_timeline_actions(TIMELINE_ACTION_AFTER)
    op.create_table(
        "recusals",
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            postgresql.DOMAIN(
                "recusal_kind",
                sa.Text(),
                check="VALUE IN ('declared', 'excluded')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_recusals_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("complaint_id", "subject", name=op.f("pk_recusals")),
    )
    op.add_column("complaints", sa.Column("handler_subject", sa.Text(), nullable=True))
    op.add_column("timeline_entries", sa.Column("about_subject", sa.Text(), nullable=True))
    op.create_index(
        "ix_complaints_handler",
        "complaints",
        ["handler_subject", sa.literal_column("received_at DESC"), sa.literal_column("id DESC")],
        unique=False,
        postgresql_where=sa.text("handler_subject IS NOT NULL"),
    )


def downgrade() -> None:
    """Downgrade schema (drops assignment and recusal history)."""
    op.drop_index(
        "ix_complaints_handler",
        table_name="complaints",
        postgresql_where=sa.text("handler_subject IS NOT NULL"),
    )
    op.drop_column("complaints", "handler_subject")
    op.drop_column("timeline_entries", "about_subject")
    op.drop_table("recusals")
    op.execute("DROP DOMAIN recusal_kind")
    events = ", ".join(f"'{e}'" for e in NEW_EVENTS)
    op.execute(f"DELETE FROM timeline_entries WHERE action IN ({events})")
    _set_timeline_actions(TIMELINE_ACTION_BEFORE)
