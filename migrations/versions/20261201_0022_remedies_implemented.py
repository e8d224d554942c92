"""Statistics count remedies implemented, not remedies merely accepted (indicator O1).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01

The counter changes meaning, so the aggregate is emptied: `ombuds migrate` (and
`ombuds serve --migrate`) then finds complaints never counted and recounts them all.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EMPTY = """
DELETE FROM stat_hist_rollups;
DELETE FROM stat_cells;
DELETE FROM stat_facts;
UPDATE outbox_events SET complaint_id = NULL WHERE complaint_id IS NOT NULL;
"""


def _rename(old: str, new: str) -> None:
    for table in ("stat_cells", "stat_facts"):
        op.execute(f"ALTER TABLE {table} RENAME COLUMN {old} TO {new}")
    op.execute(EMPTY)


def upgrade() -> None:
    _rename("remedies_complied", "remedies_implemented")


def downgrade() -> None:
    _rename("remedies_implemented", "remedies_complied")
