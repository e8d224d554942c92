"""hearings

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 13:21:21.433933+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


NEW_DOMAINS = {
    "hearing_mode": "VALUE IN ('hybrid', 'in_person', 'online')",
    "hearing_status": "VALUE IN ('cancelled', 'held', 'scheduled')",
}
TIMELINE_ACTION_BEFORE = "VALUE IN ('acknowledge', 'assign', 'close', 'communicate_decision', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'exclude', 'file', 'give_feedback', 'issue_findings', 'open_investigation', 'recommend_remedies', 'recuse', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'unassign', 'withdraw')"
TIMELINE_ACTION_AFTER = "VALUE IN ('acknowledge', 'assign', 'close', 'communicate_decision', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'exclude', 'file', 'give_feedback', 'hearing_cancelled', 'hearing_held', 'hearing_rescheduled', 'hearing_scheduled', 'issue_findings', 'open_investigation', 'recommend_remedies', 'recuse', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'unassign', 'withdraw')"
HEARING_EVENTS = ("hearing_scheduled", "hearing_rescheduled", "hearing_cancelled", "hearing_held")


def _set_timeline_actions(check: str) -> None:
    op.execute("ALTER DOMAIN timeline_action DROP CONSTRAINT timeline_action_check")
    op.execute(f"ALTER DOMAIN timeline_action ADD CONSTRAINT timeline_action_check CHECK ({check})")


def upgrade() -> None:
    """Upgrade schema."""
    for name, check in NEW_DOMAINS.items():
        op.execute(f"CREATE DOMAIN {name} AS text CHECK ({check})")
    _set_timeline_actions(TIMELINE_ACTION_AFTER)
    op.create_table(
        "hearings",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "mode",
            postgresql.DOMAIN(
                "hearing_mode",
                sa.Text(),
                check="VALUE IN ('hybrid', 'in_person', 'online')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("online_url", sa.Text(), nullable=True),
        sa.Column("participants", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "status",
            postgresql.DOMAIN(
                "hearing_status",
                sa.Text(),
                check="VALUE IN ('cancelled', 'held', 'scheduled')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "mode = 'in_person' OR online_url IS NOT NULL",
            name=op.f("ck_hearings_url_unless_in_person"),
        ),
        sa.CheckConstraint(
            "mode = 'online' OR location IS NOT NULL",
            name=op.f("ck_hearings_location_unless_online"),
        ),
        sa.CheckConstraint(
            "status <> 'held' OR minutes IS NOT NULL", name=op.f("ck_hearings_held_has_minutes")
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_hearings_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearings")),
    )
    op.create_index("ix_hearings_complaint", "hearings", ["complaint_id", "id"], unique=False)


def downgrade() -> None:
    """Downgrade schema (drops hearings and their timeline entries)."""
    op.drop_index("ix_hearings_complaint", table_name="hearings")
    op.drop_table("hearings")
    for name in reversed(NEW_DOMAINS):
        op.execute(f"DROP DOMAIN {name}")
    events = ", ".join(f"'{e}'" for e in HEARING_EVENTS)
    op.execute(f"DELETE FROM timeline_entries WHERE action IN ({events})")
    _set_timeline_actions(TIMELINE_ACTION_BEFORE)
