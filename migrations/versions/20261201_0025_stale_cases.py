"""Stale cases: the action that closes them, and the index the deadlines view reads them by.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIONS = [
    "acknowledge", "assign", "close", "communicate_decision", "conclude_hearing",
    "declare_inadmissible", "end_mediation", "exclude", "file", "give_feedback",
    "hearing_cancelled", "hearing_held", "hearing_rescheduled", "hearing_scheduled",
    "issue_findings", "legal_hold_lifted", "legal_hold_set", "mediation_failed",
    "mediation_settled", "open_investigation", "recommend_remedies", "record_approved",
    "record_corrected", "record_shared", "recuse", "refer", "reopen", "schedule_hearing",
    "start_assessment", "start_mediation", "unassign", "withdraw",
]  # fmt: skip


def _actions(values: list[str]) -> None:
    listed = ", ".join(f"'{v}'::text" for v in sorted(values))
    op.execute("ALTER DOMAIN timeline_action DROP CONSTRAINT timeline_action_check")
    op.execute(
        "ALTER DOMAIN timeline_action ADD CONSTRAINT timeline_action_check "
        f"CHECK (VALUE = ANY (ARRAY[{listed}]))"
    )


def upgrade() -> None:
    _actions([*ACTIONS, "close_as_stale"])
    op.execute(
        "CREATE INDEX ix_complaints_open_updated ON complaints (updated_at) "
        "WHERE status NOT IN ('inadmissible', 'referred', 'closed', 'withdrawn')"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_complaints_open_updated")
    op.execute("DELETE FROM timeline_entries WHERE action = 'close_as_stale'")
    _actions(ACTIONS)
