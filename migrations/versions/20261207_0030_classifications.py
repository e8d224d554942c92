"""Classification by staff: a complaint may be filed with no right named ("I don't know"), and
staff classify its rights and discrimination grounds later; each change is kept (codes before
and after, by whom) and put on the timeline as `classify`.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0030"
down_revision: str | Sequence[str] | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIONS = [
    "acknowledge", "assign", "close", "close_as_stale", "communicate_decision",
    "conclude_hearing", "declare_inadmissible", "end_mediation", "exclude", "file",
    "give_feedback", "hearing_cancelled", "hearing_held", "hearing_rescheduled",
    "hearing_scheduled", "issue_findings", "legal_hold_lifted", "legal_hold_set",
    "mediation_failed", "mediation_settled", "open_investigation", "recommend_remedies",
    "record_approved", "record_corrected", "record_shared", "recuse", "refer", "reopen",
    "schedule_hearing", "start_assessment", "start_mediation", "unassign", "withdraw",
]  # fmt: skip


def _actions(values: list[str]) -> None:
    listed = ", ".join(f"'{v}'::text" for v in sorted(values))
    op.execute("ALTER DOMAIN timeline_action DROP CONSTRAINT timeline_action_check")
    op.execute(
        "ALTER DOMAIN timeline_action ADD CONSTRAINT timeline_action_check "
        f"CHECK (VALUE = ANY (ARRAY[{listed}]))"
    )


def upgrade() -> None:
    _actions([*ACTIONS, "classify"])
    op.execute(
        """
CREATE TABLE classifications (
    id bigint GENERATED ALWAYS AS IDENTITY,
    complaint_id uuid NOT NULL,
    rights_before text[] NOT NULL,
    rights_after text[] NOT NULL,
    grounds_before text[] NOT NULL,
    grounds_after text[] NOT NULL,
    classified_by text NOT NULL,
    classified_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_classifications PRIMARY KEY (id),
    CONSTRAINT fk_classifications_complaint_id_complaints FOREIGN KEY (complaint_id)
        REFERENCES complaints (id) ON DELETE CASCADE
);
CREATE INDEX ix_classifications_complaint ON classifications (complaint_id, id);
"""
    )


def downgrade() -> None:
    op.execute("DROP TABLE classifications")
    op.execute("DELETE FROM timeline_entries WHERE action = 'classify'")
    _actions(ACTIONS)
